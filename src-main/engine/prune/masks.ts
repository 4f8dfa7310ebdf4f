/**
 * Unstructured magnitude pruning with masks (Han et al. 2015; the pruning step of AGP, Zhu & Gupta
 * 2017): the fraction `sparsity` of kernel weights with the smallest |w| is masked to zero, ranked
 * over all the chosen layers together (`global`) or within each layer (`layer`). Exactly
 * round(sparsity·n) weights are masked; ties break by position so masks are deterministic.
 * Masks alone do not make a model smaller: `sparseExport` gives the real size.
 */
import * as tf from '@tensorflow/tfjs'
import { kernelLayerNames } from './sparsity'

/** 0/1 masks (1 = keep) with each kernel's shape, by layer name. */
export type WeightMasks = Map<string, tf.Tensor>

/** Options of the magnitude masks. */
export interface MagnitudeMaskOptions {
  /** Fraction of the weights to mask, in [0, 1]. */
  sparsity: number
  /** Rank over all the layers together (default) or within each layer. */
  scope?: 'global' | 'layer'
  /** Layers whose kernels are masked (default: every Dense and Conv2D layer). */
  layers?: string[]
}

/** Keep-flags with exactly `count` of the smallest |values| dropped (ties by position). */
function keepFlags(magnitudes: Float32Array, count: number): Uint8Array {
  const keep = new Uint8Array(magnitudes.length).fill(1)
  if (count <= 0) return keep
  const sorted = Float32Array.from(magnitudes).sort()
  const threshold = sorted[Math.min(count, sorted.length) - 1]
  let below = 0
  for (const v of magnitudes) if (v < threshold) below++
  let tiesToDrop = count - below
  for (let i = 0; i < magnitudes.length; i++) {
    if (magnitudes[i] < threshold) keep[i] = 0
    else if (magnitudes[i] === threshold && tiesToDrop > 0) {
      keep[i] = 0
      tiesToDrop--
    }
  }
  return keep
}

/** Magnitude masks for the kernels of the chosen layers. Dispose them with `disposeMasks`. */
export async function magnitudeMasks(
  model: tf.LayersModel,
  options: MagnitudeMaskOptions,
): Promise<WeightMasks> {
  const { sparsity } = options
  if (!(sparsity >= 0 && sparsity <= 1))
    throw new Error(`sparsity must be in [0, 1], got ${sparsity}`)
  const layers = options.layers ?? kernelLayerNames(model)
  const kernels = layers.map((name) => model.getLayer(name).getWeights()[0])
  const magnitudes: Float32Array[] = []
  for (const k of kernels) magnitudes.push(((await k.data()) as Float32Array).map(Math.abs))
  const flags: Uint8Array[] = []
  if ((options.scope ?? 'global') === 'layer') {
    for (const m of magnitudes) flags.push(keepFlags(m, Math.round(sparsity * m.length)))
  } else {
    const all = new Float32Array(magnitudes.reduce((a, m) => a + m.length, 0))
    let at = 0
    for (const m of magnitudes) {
      all.set(m, at)
      at += m.length
    }
    const keep = keepFlags(all, Math.round(sparsity * all.length))
    at = 0
    for (const m of magnitudes) {
      flags.push(keep.subarray(at, at + m.length))
      at += m.length
    }
  }
  return new Map(
    layers.map((name, i) => [name, tf.tensor(Float32Array.from(flags[i]), kernels[i].shape)]),
  )
}

/** Multiplies each masked layer's kernel by its mask, in place (re-apply after every update). */
export function applyMasks(model: tf.LayersModel, masks: WeightMasks): void {
  for (const [name, mask] of masks) {
    const layer = model.getLayer(name)
    const weights = layer.getWeights()
    // where() rather than w·mask, so masked entries are +0 (w·0 gives −0 for negative w).
    const masked = tf.tidy(() =>
      tf.where(tf.cast(mask, 'bool'), weights[0], tf.zerosLike(weights[0])),
    )
    layer.setWeights([masked, ...weights.slice(1)])
    masked.dispose()
  }
}

/** Disposes the mask tensors. */
export function disposeMasks(masks: WeightMasks): void {
  for (const m of masks.values()) m.dispose()
  masks.clear()
}

/** Fraction of the masked weights that the masks zero. */
export async function maskSparsity(masks: WeightMasks): Promise<number> {
  let zeros = 0
  let total = 0
  for (const m of masks.values()) {
    const d = await m.data()
    for (const v of d) if (v === 0) zeros++
    total += d.length
  }
  return total === 0 ? 0 : zeros / total
}
