/**
 * MUNGE — Buciluǎ, Caruana & Niculescu-Mizil, KDD 2006, "Model Compression" (METHODS D1).
 * Makes a synthetic transfer set from the training examples, to be labelled by the teacher.
 *
 * Per round: scale every attribute to [0, 1]; for each example e find its nearest neighbour e′
 * (Euclidean, optionally on a PCA projection — images have many correlated pixels); for each
 * attribute a, with probability p: e_a ← N(e′_a, sd), e′_a ← N(e_a, sd), sd = |e_a − e′_a| / s.
 * Rounds repeat on fresh copies until the set is `multiplier` × the training set.
 */
import * as tf from '@tensorflow/tfjs'
import { createRng, type Rng } from '../../random/seeded-rng'
import { featureRanges } from './random-set'

export interface MungeArgs {
  /** Probability of swapping/perturbing each attribute (paper: p = 0.5). */
  p: number
  /** Local variance parameter: sd = |e_a − e′_a| / s (paper: s = 2). */
  s: number
  /** Size of the synthetic set as a multiple of the training set (paper: k). */
  multiplier: number
  seed: number
  /** Find neighbours on the first `pcaDims` principal components (0 or undefined: raw features). */
  pcaDims?: number
}

export interface MungeStats {
  /** Fraction of attribute positions that were swapped/perturbed (≈ p). */
  swapRate: number
}

/**
 * Index of each row's nearest other row (squared Euclidean distance), computed in blocks with
 * matrix products: ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b.
 */
export async function nearestNeighbours(x: Float32Array, n: number, d: number, block = 512): Promise<Int32Array> {
  const result = new Int32Array(n)
  const all = tf.tensor2d(x, [n, d])
  const norms = tf.tidy(() => tf.sum(tf.square(all), 1))
  try {
    for (let start = 0; start < n; start += block) {
      const size = Math.min(block, n - start)
      const idx = tf.tidy(() => {
        const rows = tf.slice(all, [start, 0], [size, d])
        const rowNorms = tf.slice(norms, [start], [size])
        let dist = tf.sub(tf.add(tf.expandDims(rowNorms, 1), tf.expandDims(norms, 0)), tf.mul(2, tf.matMul(rows, all, false, true)))
        // A row is not its own neighbour.
        const self = tf.oneHot(tf.range(start, start + size, 1, 'int32'), n)
        dist = tf.add(dist, tf.mul(self, 1e30))
        return tf.argMin(dist, 1)
      })
      result.set(await idx.data(), start)
      idx.dispose()
    }
  } finally {
    all.dispose()
    norms.dispose()
  }
  return result
}

/** Projects rows onto their top `k` principal components (subspace iteration on XᵀX). */
export async function pcaProject(x: Float32Array, n: number, d: number, k: number, seed = 0): Promise<Float32Array> {
  const projected = tf.tidy(() => {
    const data = tf.tensor2d(x, [n, d])
    const centered = tf.sub(data, tf.mean(data, 0, true))
    const cov = tf.div(tf.matMul(centered, centered, true, false), Math.max(1, n - 1))
    let q = tf.randomNormal([d, k], 0, 1, 'float32', seed) as tf.Tensor2D
    for (let i = 0; i < 30; i++) {
      const z = tf.matMul(cov, q)
      q = tf.keep(orthonormalise(z as tf.Tensor2D))
    }
    return tf.matMul(centered, q)
  })
  try {
    return (await projected.data()) as Float32Array
  } finally {
    projected.dispose()
  }
}

function orthonormalise(m: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.linalg.gramSchmidt(tf.transpose(m)) as tf.Tensor2D).transpose() as tf.Tensor2D
}

/** A draw from N(mean, sd²) (Box–Muller). */
function normal(rng: Rng, mean: number, sd: number): number {
  let u = 0
  while (u === 0) u = rng.next()
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next())
}

/** Buciluǎ 2006, Fig. 2: the MUNGE procedure. Returns `multiplier · n` synthetic rows. */
export async function munge(
  x: Float32Array,
  n: number,
  d: number,
  args: MungeArgs,
): Promise<{ x: Float32Array; stats: MungeStats }> {
  if (n < 2) throw new Error('MUNGE needs at least 2 examples')
  if (!(args.p >= 0 && args.p <= 1)) throw new Error(`MUNGE p must be in [0, 1], got ${args.p}`)
  if (!(args.s > 0)) throw new Error(`MUNGE s must be > 0, got ${args.s}`)
  if (!Number.isInteger(args.multiplier) || args.multiplier < 1) throw new Error(`MUNGE size multiplier must be a whole number ≥ 1`)
  // Scale every attribute to [0, 1] (the paper's first step for continuous attributes).
  const { lo, hi } = featureRanges(x, n, d)
  const scaled = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const range = hi[a] - lo[a]
      scaled[i * d + a] = range > 0 ? (x[i * d + a] - lo[a]) / range : 0
    }
  }
  const searchSpace = args.pcaDims && args.pcaDims < d ? await pcaProject(scaled, n, d, args.pcaDims, args.seed) : scaled
  const nn = await nearestNeighbours(searchSpace, n, args.pcaDims && args.pcaDims < d ? args.pcaDims : d)

  const rng = createRng(args.seed)
  const out = new Float32Array(args.multiplier * n * d)
  let swapped = 0
  let total = 0
  for (let round = 0; round < args.multiplier; round++) {
    const t = scaled.slice()
    for (let i = 0; i < n; i++) {
      const j = nn[i]
      for (let a = 0; a < d; a++) {
        total++
        if (rng.next() >= args.p) continue
        swapped++
        const ea = t[i * d + a]
        const eb = t[j * d + a]
        const sd = Math.abs(ea - eb) / args.s
        t[i * d + a] = normal(rng, eb, sd)
        t[j * d + a] = normal(rng, ea, sd)
      }
    }
    // Back to the original units.
    const base = round * n * d
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < d; a++) {
        const range = hi[a] - lo[a]
        out[base + i * d + a] = range > 0 ? lo[a] + t[i * d + a] * range : lo[a]
      }
    }
  }
  return { x: out, stats: { swapRate: total ? swapped / total : 0 } }
}
