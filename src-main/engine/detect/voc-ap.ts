/**
 * PASCAL VOC average precision at IoU 0.5 (Everingham et al. 2010, §4.2; the devkit's
 * VOCevaldet): per class, detections of all images sorted by decreasing score (stable, so ties
 * keep their order); each is matched to the ground-truth box of its image and class with the
 * highest IoU; IoU ≥ 0.5 with a not yet matched box is a true positive, with an already matched
 * box a false positive (a duplicate), with a `difficult` box neither; IoU < 0.5 is a false
 * positive. Recall = TP / npos (npos: non-difficult boxes), precision = TP / (TP + FP).
 * - `all-point` (VOC2010 onwards): make precision monotone (each point takes the maximum precision
 *   at any higher recall) and sum precision × recall increment over the points where recall
 *   changes — the area under the interpolated curve.
 * - `11-point` (VOC2007): the mean over t ∈ {0, 0.1, …, 1} of the maximum precision at recall ≥ t
 *   (0 when recall never reaches t).
 * A class without non-difficult ground truth has no AP (null) and is left out of the mAP.
 */
import { iou } from './box'
import type { DetectionObject } from './detection-dataset'
import type { Detection } from './nms'

export type ApMethod = 'all-point' | '11-point'

export interface ApOptions {
  method?: ApMethod
  iouThreshold?: number
}

/** The precision–recall points of one class, in the order of decreasing score. */
export interface ClassCurve {
  classId: number
  /** Non-difficult ground-truth boxes of the class. */
  npos: number
  /** Per ranked detection: 1 true positive, 0 false positive (ignored ones are left out). */
  truePositive: number[]
  scores: number[]
  recall: number[]
  precision: number[]
}

/** Matches the detections of one class against the ground truth (VOC rules, see above). */
export function classCurve(
  detections: ReadonlyArray<readonly Detection[]>,
  groundTruth: ReadonlyArray<readonly DetectionObject[]>,
  classId: number,
  iouThreshold = 0.5,
): ClassCurve {
  if (detections.length !== groundTruth.length) {
    throw new Error(`AP: detections for ${detections.length} images, ground truth for ${groundTruth.length}`)
  }
  const gts = groundTruth.map((objects) => objects.filter((o) => o.classId === classId))
  const matched = gts.map((list) => new Array<boolean>(list.length).fill(false))
  const npos = gts.reduce((s, list) => s + list.filter((o) => !o.difficult).length, 0)
  const ranked: Array<{ image: number; det: Detection }> = []
  detections.forEach((list, image) => {
    for (const det of list) if (det.classId === classId) ranked.push({ image, det })
  })
  ranked.sort((a, b) => b.det.score - a.det.score)
  const truePositive: number[] = []
  const scores: number[] = []
  for (const { image, det } of ranked) {
    let best = -1
    let bestIou = -Infinity
    gts[image].forEach((g, k) => {
      const o = iou(det, g)
      if (o > bestIou) {
        bestIou = o
        best = k
      }
    })
    if (best >= 0 && bestIou >= iouThreshold) {
      if (gts[image][best].difficult) continue
      if (!matched[image][best]) {
        matched[image][best] = true
        truePositive.push(1)
      } else truePositive.push(0)
    } else truePositive.push(0)
    scores.push(det.score)
  }
  const recall: number[] = []
  const precision: number[] = []
  let tp = 0
  truePositive.forEach((t, i) => {
    tp += t
    recall.push(npos > 0 ? tp / npos : NaN)
    precision.push(tp / (i + 1))
  })
  return { classId, npos, truePositive, scores, recall, precision }
}

/** AP from a precision–recall curve (points in ranked order). */
export function averagePrecisionOfCurve(recall: readonly number[], precision: readonly number[], method: ApMethod = 'all-point'): number {
  if (method === '11-point') {
    let sum = 0
    for (let t = 0; t <= 10; t++) {
      let best = 0
      recall.forEach((r, i) => {
        if (r >= t / 10 - 1e-12 && precision[i] > best) best = precision[i]
      })
      sum += best
    }
    return sum / 11
  }
  // VOC2010+: sentinels (0, 0) and (1, 0), monotone precision from the right, sum over recall steps.
  const mrec = [0, ...recall, 1]
  const mpre = [0, ...precision, 0]
  for (let i = mpre.length - 2; i >= 0; i--) mpre[i] = Math.max(mpre[i], mpre[i + 1])
  let ap = 0
  for (let i = 1; i < mrec.length; i++) if (mrec[i] !== mrec[i - 1]) ap += (mrec[i] - mrec[i - 1]) * mpre[i]
  return ap
}

/** VOC AP of one class, or null when it has no non-difficult ground truth. */
export function averagePrecision(
  detections: ReadonlyArray<readonly Detection[]>,
  groundTruth: ReadonlyArray<readonly DetectionObject[]>,
  classId: number,
  options: ApOptions = {},
): number | null {
  const curve = classCurve(detections, groundTruth, classId, options.iouThreshold ?? 0.5)
  if (curve.npos === 0) return null
  return averagePrecisionOfCurve(curve.recall, curve.precision, options.method ?? 'all-point')
}

export interface MeanAveragePrecision {
  /** Mean of the per-class APs that exist (0 when none does). */
  mAP: number
  /** Per class, null where the class has no non-difficult ground truth. */
  ap: Array<number | null>
  npos: number[]
  method: ApMethod
  iouThreshold: number
}

/** Per-class VOC AP and their mean. */
export function meanAveragePrecision(
  detections: ReadonlyArray<readonly Detection[]>,
  groundTruth: ReadonlyArray<readonly DetectionObject[]>,
  numClasses: number,
  options: ApOptions = {},
): MeanAveragePrecision {
  const method = options.method ?? 'all-point'
  const iouThreshold = options.iouThreshold ?? 0.5
  const ap: Array<number | null> = []
  const npos: number[] = []
  for (let c = 0; c < numClasses; c++) {
    const curve = classCurve(detections, groundTruth, c, iouThreshold)
    npos.push(curve.npos)
    ap.push(curve.npos === 0 ? null : averagePrecisionOfCurve(curve.recall, curve.precision, method))
  }
  const present = ap.filter((a): a is number => a !== null)
  return { mAP: present.length ? present.reduce((s, a) => s + a, 0) / present.length : 0, ap, npos, method, iouThreshold }
}
