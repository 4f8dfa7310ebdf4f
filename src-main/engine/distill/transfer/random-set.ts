/**
 * The RANDOM transfer set — the baseline generator of Buciluǎ, Caruana & Niculescu-Mizil 2006
 * (METHODS D1): every attribute drawn independently and uniformly in the range it takes in the
 * training data. It ignores the joint distribution, which is why MUNGE should beat it.
 */
import { createRng } from '../../random/seeded-rng'

/** The smallest and largest value of each of the `d` features over the `n` rows of `x`. */
export function featureRanges(x: Float32Array, n: number, d: number): { lo: Float32Array; hi: Float32Array } {
  const lo = new Float32Array(d).fill(Infinity)
  const hi = new Float32Array(d).fill(-Infinity)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const v = x[i * d + a]
      if (v < lo[a]) lo[a] = v
      if (v > hi[a]) hi[a] = v
    }
  }
  return { lo, hi }
}

/** `count` rows of `d` features, feature a uniform in [min_a, max_a] of the `n` rows of `x`. */
export function uniformRandomSet(x: Float32Array, n: number, d: number, count: number, seed: number): Float32Array {
  if (n < 1) throw new Error('a RANDOM transfer set needs at least 1 example to take feature ranges from')
  const { lo, hi } = featureRanges(x, n, d)
  const rng = createRng(seed)
  const out = new Float32Array(count * d)
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < d; a++) out[i * d + a] = lo[a] + rng.next() * (hi[a] - lo[a])
  }
  return out
}
