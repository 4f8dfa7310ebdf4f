/**
 * Mini-batches for detector training: images copied from the labelled and unlabelled splits by a
 * shuffled order over both, optionally mirrored left–right (boxes mirrored with them) from a
 * seeded stream.
 */
import type { Rng } from '../random/seeded-rng'
import type { DetectionObject, DetectionSplit, ImageSplit } from './detection-dataset'

export interface DetectionBatch {
  x: Float32Array
  n: number
  /** Objects per image (empty for unlabelled images). */
  objects: DetectionObject[][]
  /** 1 for labelled images, 0 for unlabelled ones. */
  labelled: Float32Array
}

/** Mirrors an NHWC image left–right into `out`. */
function mirror(src: Float32Array, out: Float32Array, h: number, w: number, c: number): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const from = (y * w + x) * c
      const to = (y * w + (w - 1 - x)) * c
      for (let k = 0; k < c; k++) out[to + k] = src[from + k]
    }
  }
}

/**
 * Gathers examples order[start..end) — indices below `train.n` are labelled images, the others
 * unlabelled image index − train.n.
 */
export function gatherDetectionBatch(
  train: DetectionSplit,
  unlabelled: ImageSplit | null,
  order: ArrayLike<number>,
  start: number,
  end: number,
  inputShape: readonly number[],
  flipRng: Rng | null,
): DetectionBatch {
  const [h, w, c] = inputShape
  const size = h * w * c
  const n = end - start
  const x = new Float32Array(n * size)
  const objects: DetectionObject[][] = []
  const labelled = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const index = order[start + i]
    const isLabelled = index < train.n
    const from = isLabelled ? train.x : (unlabelled as ImageSplit).x
    const k = isLabelled ? index : index - train.n
    const src = from.subarray(k * size, (k + 1) * size)
    let objs = isLabelled ? train.objects[index] : []
    if (flipRng && flipRng.next() < 0.5) {
      mirror(src, x.subarray(i * size, (i + 1) * size), h, w, c)
      objs = objs.map((o) => ({ ...o, xMin: 1 - o.xMax, xMax: 1 - o.xMin }))
    } else x.set(src, i * size)
    objects.push(objs)
    labelled[i] = isLabelled ? 1 : 0
  }
  return { x, n, objects, labelled }
}
