/**
 * Ground-truth targets on the YOLO grid (YOLOv2 §2): an object belongs to the cell holding its
 * centre and, within that cell, to the anchor whose prior shape has the highest IoU with its box
 * (the "responsible" anchor). When that anchor is already taken by another object of the image,
 * the next best free anchor of the cell takes it; an object finding no free anchor is dropped from
 * the targets (and counted). Difficult objects are left out, as Darknet's VOC labels do.
 */
import type { DetectionObject } from './detection-dataset'
import { shapeIou, type YoloHead } from './yolo-head'

/** Targets of a batch, flat and row-major, ready for tf.tensor. */
export interface YoloTargets {
  n: number
  /** [n, S, S, B]: 1 at responsible anchors. */
  responsible: Float32Array
  /** [n, S, S, B, 4]: (σ(tx), σ(ty), tw, th) targets = (x·S − j, y·S − i, ln(w/p_w), ln(h/p_h)). */
  boxes: Float32Array
  /** [n, S, S, C]: the class distribution of the objects of each cell (zero where none). */
  classes: Float32Array
  /** Objects that found no free anchor in their cell. */
  dropped: number
}

/** Builds the targets of a batch of images from their objects. */
export function buildTargets(objects: ReadonlyArray<readonly DetectionObject[]>, head: YoloHead): YoloTargets {
  const S = head.gridSize
  const B = head.anchors.length
  const C = head.numClasses
  const n = objects.length
  const responsible = new Float32Array(n * S * S * B)
  const boxes = new Float32Array(n * S * S * B * 4)
  const classes = new Float32Array(n * S * S * C)
  const cellCount = new Float32Array(n * S * S)
  let dropped = 0
  objects.forEach((list, img) => {
    for (const o of list) {
      if (o.difficult) continue
      if (o.classId < 0 || o.classId >= C) throw new Error(`targets: class id ${o.classId} outside 0..${C - 1}`)
      const w = o.xMax - o.xMin
      const h = o.yMax - o.yMin
      if (!(w > 0 && h > 0)) continue
      const cx = (o.xMin + o.xMax) / 2
      const cy = (o.yMin + o.yMax) / 2
      const j = Math.min(S - 1, Math.max(0, Math.floor(cx * S)))
      const i = Math.min(S - 1, Math.max(0, Math.floor(cy * S)))
      const cell = (img * S + i) * S + j
      const order = head.anchors
        .map((a, b) => ({ b, overlap: shapeIou([w, h], a) }))
        .sort((p, q) => q.overlap - p.overlap || p.b - q.b)
      const free = order.find(({ b }) => responsible[cell * B + b] === 0)
      if (!free) {
        dropped++
        continue
      }
      const a = cell * B + free.b
      responsible[a] = 1
      const [pw, ph] = head.anchors[free.b]
      boxes.set([cx * S - j, cy * S - i, Math.log(w / pw), Math.log(h / ph)], a * 4)
      classes[cell * C + o.classId] += 1
      cellCount[cell] += 1
    }
  })
  // Several objects in one cell share its class scores: their classes' mean distribution.
  for (let cell = 0; cell < cellCount.length; cell++) {
    if (cellCount[cell] > 1) for (let c = 0; c < C; c++) classes[cell * C + c] /= cellCount[cell]
  }
  return { n, responsible, boxes, classes, dropped }
}
