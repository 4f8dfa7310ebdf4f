/**
 * The detector's output layout: an S×S grid, each cell with B anchor boxes of 5 numbers
 * (tx, ty, tw, th, to) followed by C class scores shared by the cell — S×S×(B·5 + C). Box
 * parameters follow YOLOv2 (Redmon & Farhadi 2017, §2 "Direct location prediction"):
 *   x = (j + σ(tx)) / S,  y = (i + σ(ty)) / S,  w = p_w·e^tw,  h = p_h·e^th,  objectness ô = σ(to),
 * for the cell in row i, column j and the anchor prior (p_w, p_h), all in image fractions. The
 * class scores are per cell as in YOLOv1 (Redmon et al. 2016), softmax-normalised.
 */
import { iou } from './box'

export interface YoloHead {
  /** S: cells per side of the (square) output grid. */
  gridSize: number
  /** B anchor priors (width, height) as fractions of the image. */
  anchors: Array<[number, number]>
  /** C classes. */
  numClasses: number
}

/** Channels per cell, B·5 + C. */
export function headChannels(head: YoloHead): number {
  return head.anchors.length * 5 + head.numClasses
}

/** Checks a head's numbers and says what is wrong. */
export function checkHead(head: YoloHead): void {
  if (!Number.isInteger(head.gridSize) || head.gridSize < 1) throw new Error('detector head: gridSize must be a positive integer')
  if (head.anchors.length < 1) throw new Error('detector head: at least one anchor is needed')
  for (const [w, h] of head.anchors) {
    if (!(w > 0 && h > 0 && w <= 1 && h <= 1)) throw new Error(`detector head: anchor [${w}, ${h}] must have 0 < w, h <= 1`)
  }
  if (!Number.isInteger(head.numClasses) || head.numClasses < 1) throw new Error('detector head: numClasses must be a positive integer')
}

/** IoU of two boxes of sizes a and b with the same centre (anchor matching, YOLOv2 §2). */
export function shapeIou(a: readonly [number, number], b: readonly [number, number]): number {
  const box = (s: readonly [number, number]): { xMin: number; yMin: number; xMax: number; yMax: number } => ({
    xMin: -s[0] / 2,
    yMin: -s[1] / 2,
    xMax: s[0] / 2,
    yMax: s[1] / 2,
  })
  return iou(box(a), box(b))
}

/**
 * Anchor priors from the training boxes by k-means on (w, h) with the distance d = 1 − IoU
 * (YOLOv2 §2 "Dimension clusters"). Deterministic: the centres start at the quantiles of box area.
 */
export function kMeansAnchors(sizes: Array<[number, number]>, k: number, iterations = 50): Array<[number, number]> {
  if (sizes.length < k) throw new Error(`k-means anchors: ${sizes.length} boxes for ${k} anchors`)
  const byArea = [...sizes].sort((a, b) => a[0] * a[1] - b[0] * b[1])
  let centres: Array<[number, number]> = Array.from({ length: k }, (_, i) => byArea[Math.floor(((i + 0.5) / k) * byArea.length)])
  for (let it = 0; it < iterations; it++) {
    const sums = centres.map(() => [0, 0, 0])
    for (const s of sizes) {
      let best = 0
      for (let c = 1; c < k; c++) if (shapeIou(s, centres[c]) > shapeIou(s, centres[best])) best = c
      sums[best][0] += s[0]
      sums[best][1] += s[1]
      sums[best][2]++
    }
    const next = centres.map((c, i): [number, number] => (sums[i][2] > 0 ? [sums[i][0] / sums[i][2], sums[i][1] / sums[i][2]] : c))
    const moved = next.some((c, i) => c[0] !== centres[i][0] || c[1] !== centres[i][1])
    centres = next
    if (!moved) break
  }
  return centres.sort((a, b) => a[0] * a[1] - b[0] * b[1])
}
