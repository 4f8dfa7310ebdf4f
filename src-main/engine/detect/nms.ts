/**
 * Greedy non-maximum suppression (as in Darknet and the VOC detectors): visit boxes by decreasing
 * score, keep a box unless it overlaps an already kept box of the same class by more than the IoU
 * threshold.
 */
import { iou, type Box } from './box'

/** A detected object: box, class and score (ô·p̂_c for YOLO). */
export interface Detection extends Box {
  classId: number
  score: number
}

/** Greedy NMS over boxes of one class; returns the kept ones by decreasing score. */
export function nonMaxSuppression<T extends Box & { score: number }>(boxes: readonly T[], iouThreshold: number, maxKept = Infinity): T[] {
  const order = [...boxes].sort((a, b) => b.score - a.score)
  const kept: T[] = []
  for (const b of order) {
    if (kept.length >= maxKept) break
    if (kept.every((k) => iou(k, b) <= iouThreshold)) kept.push(b)
  }
  return kept
}

/** NMS per class; the result is sorted by decreasing score and cut at `maxKept`. */
export function classwiseNms(detections: readonly Detection[], iouThreshold: number, maxKept = Infinity): Detection[] {
  const byClass = new Map<number, Detection[]>()
  for (const d of detections) {
    const list = byClass.get(d.classId)
    if (list) list.push(d)
    else byClass.set(d.classId, [d])
  }
  const kept: Detection[] = []
  for (const list of byClass.values()) kept.push(...nonMaxSuppression(list, iouThreshold, maxKept))
  return kept.sort((a, b) => b.score - a.score).slice(0, maxKept)
}
