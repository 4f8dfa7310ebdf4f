import type { AugmentSpec } from '../../../src-shared/spec/schema-image-data'
import type { Rng } from '../random/seeded-rng'
import type { DataSplit } from '../data/dataset'

/**
 * Copies the examples `order[start..end)` into fresh arrays (fresh because the cpu backend keeps a
 * reference to the array a tensor is made from). With `jitter` > 0 and image inputs [H, W, C], each
 * image is translated by a random whole number of pixels in [−jitter, jitter] on each axis, with
 * zeros shifted in (Hinton et al. 2015 trained the MNIST teacher with ±2 px jitter). `augment` is
 * the standard augmentation of CIFAR ResNets (He et al. 2016): zero padding by `cropPadding` and a
 * random crop back to size (the same translation, by up to ±cropPadding), then a horizontal flip
 * with probability ½. Draws come from `rng` in example order (dy, dx, then the flip).
 */
export function gatherBatch(
  split: DataSplit,
  order: Int32Array,
  start: number,
  end: number,
  inputShape: readonly number[],
  jitter: number,
  rng: Rng,
  augment?: AugmentSpec,
): { x: Float32Array; y: Int32Array } {
  const features = inputShape.reduce((a, b) => a * b, 1)
  const n = end - start
  const x = new Float32Array(n * features)
  const y = new Int32Array(n)
  const shift = jitter + (augment?.cropPadding ?? 0)
  const flip = augment?.flip === true
  const image = inputShape.length === 3 && (shift > 0 || flip)
  for (let i = 0; i < n; i++) {
    const src = order[start + i]
    y[i] = split.y[src]
    const from = split.x.subarray(src * features, (src + 1) * features)
    if (!image) {
      x.set(from, i * features)
      continue
    }
    const [h, w, c] = inputShape
    const to = x.subarray(i * features, (i + 1) * features)
    if (shift > 0) shiftImageInto(from, to, h, w, c, rng.int(-shift, shift), rng.int(-shift, shift))
    else to.set(from)
    if (flip && rng.next() < 0.5) flipRows(to, h, w, c)
  }
  return { x, y }
}

/** Mirrors an image left to right in place. */
export function flipRows(img: Float32Array, h: number, w: number, c: number): void {
  for (let r = 0; r < h; r++) {
    for (let a = r * w, b = a + w - 1; a < b; a++, b--) {
      for (let k = 0; k < c; k++) {
        const t = img[a * c + k]
        img[a * c + k] = img[b * c + k]
        img[b * c + k] = t
      }
    }
  }
}

/** dst = src translated by (dy rows, dx columns); uncovered pixels stay 0 (dst must be zeroed). */
export function shiftImageInto(
  src: Float32Array,
  dst: Float32Array,
  h: number,
  w: number,
  c: number,
  dy: number,
  dx: number,
): void {
  const row = w * c
  const x0 = Math.max(0, dx)
  const x1 = Math.min(w, w + dx)
  if (x1 <= x0) return
  for (let r = Math.max(0, dy); r < Math.min(h, h + dy); r++) {
    const from = (r - dy) * row + (x0 - dx) * c
    dst.set(src.subarray(from, from + (x1 - x0) * c), r * row + x0 * c)
  }
}
