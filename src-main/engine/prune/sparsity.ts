/**
 * Multi-layer pruning framework — Singh, Manikandan, Matiyali, Namboodiri, WACV 2019, "Multi-layer
 * Pruning Framework for Compressing Single Shot MultiBox Detector" (METHODS P3):
 *  1. sparsity induction: train with task loss + λ·Σ_{w∈L} |w| (`l1Penalty`), then zero every
 *     weight of the layer set L below ONE global threshold chosen on a validation set — here the
 *     largest candidate whose zeroing keeps the validation metric within a tolerance
 *     (`globalThreshold`, `zeroBelowThreshold`);
 *  2. filter selection from the statistics of layer l AND layer l+1 — with dependency groups, of
 *     a group AND its consumers: remove the group's units whose filters (in every layer owning
 *     them) are mostly zero, and units whose matching input channels in the consumers are mostly
 *     zero (`selectByLayerStatistics`, cut-off 0.9 zero fraction by default);
 *  3. the plan then goes to `removeUnits`, which cuts the group's members and the consumers' inputs.
 */
import * as tf from '@tensorflow/tfjs'
import { layerKindOf } from './layer-kinds/registry'
import { analyzeStructure, prunableLayer, type GroupConsumer, type PruneGroup, type PruneStructure } from './structure'
import type { RemovalPlan } from './surgery'

/** Layer classes with a kernel (weight 0) that weight sparsity works on. */
const KERNEL_CLASSES = ['Dense', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D']

/** Names of every layer with a kernel: Dense, Conv2D, depthwise and separable (the default layer set for weight sparsity). */
export function kernelLayerNames(model: tf.LayersModel): string[] {
  return model.layers.filter((l) => KERNEL_CLASSES.includes(l.getClassName())).map((l) => l.name)
}

function kernelVariable(model: tf.LayersModel, name: string): tf.Tensor {
  const layer = model.getLayer(name)
  const kernel = layer.weights[0]
  if (kernel === undefined || !KERNEL_CLASSES.includes(layer.getClassName())) {
    throw new Error(`layer '${name}' (${layer.getClassName()}) has no Dense/Conv2D kernel`)
  }
  return kernel.read()
}

/**
 * Singh et al. 2019, step 1: λ·Σ|w| over the kernels of the layer set, as a tf scalar that reads the
 * variables (so `optimizer.minimize` / `tf.variableGrads` differentiate it). Biases are excluded.
 */
export function l1Penalty(
  model: tf.LayersModel,
  layers: string[] = kernelLayerNames(model),
  lambda = 1,
): tf.Scalar {
  return tf.tidy(() => {
    const terms = layers.map((name) => tf.sum(tf.abs(kernelVariable(model, name))))
    return tf.mul(terms.length === 0 ? tf.scalar(0) : tf.addN(terms), lambda) as tf.Scalar
  })
}

/** Zeroes, in place, every kernel weight of the layers with |w| < threshold; returns how many. */
export async function zeroBelowThreshold(
  model: tf.LayersModel,
  layers: string[],
  threshold: number,
): Promise<number> {
  let zeroed = 0
  for (const name of layers) {
    const layer = model.getLayer(name)
    const weights = layer.getWeights()
    const kernel = kernelVariable(model, name)
    const [masked, count] = tf.tidy(() => {
      const small = tf.less(tf.abs(kernel), threshold)
      return [tf.where(small, tf.zerosLike(kernel), kernel), tf.sum(tf.cast(small, 'int32'))]
    })
    zeroed += ((await count.data()) as Int32Array)[0]
    layer.setWeights([masked, ...weights.slice(1)])
    tf.dispose([masked, count])
  }
  return zeroed
}

/** One candidate threshold tried by `globalThreshold`. */
export interface ThresholdTrial {
  threshold: number
  /** The weight-magnitude quantile it came from (null for an explicit candidate). */
  quantile: number | null
  /** Fraction of the layer set's kernel weights it zeroes. */
  zeroFraction: number
  metric: number
  accepted: boolean
}

/** Result of the global threshold search. */
export interface GlobalThresholdResult {
  /** The largest accepted threshold (0 when none was accepted). */
  threshold: number
  baseline: number
  /** The metric at that threshold (the baseline when it is 0). */
  metric: number
  zeroFraction: number
  trials: ThresholdTrial[]
}

/** Options of the global threshold search. */
export interface GlobalThresholdOptions {
  /** Layer set L (default: every Dense and Conv2D layer). */
  layers?: string[]
  /** Largest allowed metric loss with respect to the unpruned model (default 0.01). */
  tolerance?: number
  /** Quantiles of |w| over L to try as thresholds (default 0.05, 0.10, …, 0.95). */
  quantiles?: number[]
  /** Explicit thresholds to try instead of quantiles. */
  candidates?: number[]
  /** Whether a larger metric is better (accuracy: true, the default; loss: false). */
  higherIsBetter?: boolean
}

async function sortedMagnitudes(model: tf.LayersModel, layers: string[]): Promise<Float32Array> {
  const parts: Float32Array[] = []
  for (const name of layers) {
    parts.push(((await kernelVariable(model, name).data()) as Float32Array).map(Math.abs))
  }
  const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0))
  let at = 0
  for (const p of parts) {
    all.set(p, at)
    at += p.length
  }
  return all.sort()
}

function countBelow(sorted: Float32Array, threshold: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < threshold) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * Singh et al. 2019, step 1: the largest global threshold over the layer set whose zeroing keeps
 * `evaluate(model)` within `tolerance` of the unpruned value. The model's weights are changed
 * while a candidate is evaluated and restored before returning; apply the chosen threshold with
 * `zeroBelowThreshold`.
 */
export async function globalThreshold(
  model: tf.LayersModel,
  evaluate: (model: tf.LayersModel) => Promise<number>,
  options: GlobalThresholdOptions = {},
): Promise<GlobalThresholdResult> {
  const layers = options.layers ?? kernelLayerNames(model)
  const tolerance = options.tolerance ?? 0.01
  const higherIsBetter = options.higherIsBetter ?? true
  const sorted = await sortedMagnitudes(model, layers)
  const quantiles = options.quantiles ?? Array.from({ length: 19 }, (_, i) => (i + 1) / 20)
  const tries: Array<{ threshold: number; quantile: number | null }> =
    options.candidates !== undefined
      ? options.candidates.map((threshold) => ({ threshold, quantile: null }))
      : quantiles.map((q) => ({
          quantile: q,
          threshold: sorted[Math.min(sorted.length - 1, Math.round(q * sorted.length))],
        }))
  tries.sort((a, b) => a.threshold - b.threshold)

  const snapshot = layers.map((name) => tf.clone(kernelVariable(model, name)))
  const restore = (): void => {
    layers.forEach((name, i) => {
      const layer = model.getLayer(name)
      layer.setWeights([snapshot[i], ...layer.getWeights().slice(1)])
    })
  }
  try {
    const baseline = await evaluate(model)
    const trials: ThresholdTrial[] = []
    for (const { threshold, quantile } of tries) {
      restore()
      await zeroBelowThreshold(model, layers, threshold)
      const metric = await evaluate(model)
      const accepted = higherIsBetter
        ? metric >= baseline - tolerance
        : metric <= baseline + tolerance
      trials.push({
        threshold,
        quantile,
        zeroFraction: countBelow(sorted, threshold) / sorted.length,
        metric,
        accepted,
      })
    }
    const best = trials
      .filter((t) => t.accepted)
      .reduce<ThresholdTrial | null>(
        (b, t) => (b === null || t.threshold > b.threshold ? t : b),
        null,
      )
    return best === null
      ? { threshold: 0, baseline, metric: baseline, zeroFraction: 0, trials }
      : {
          threshold: best.threshold,
          baseline,
          metric: best.metric,
          zeroFraction: best.zeroFraction,
          trials,
        }
  } finally {
    restore()
    tf.dispose(snapshot)
  }
}

/** Zero statistics of one unit of a group (its filters in every owner) and of its inputs in the consumers (l+1). */
export interface FilterStatistics {
  layer: string
  unit: number
  /** Fraction of the filter's own kernel weights that are zero. */
  zeroFraction: number
  /** Fraction of zero weights among the matching input weights of the consuming layers (l+1). */
  nextZeroFraction: number
  remove: boolean
  reason: 'zero-filter' | 'zero-next-inputs' | null
}

/** Options of the layer-statistics selection. */
export interface LayerStatisticsOptions {
  /** Groups to select in (default: all groups). */
  layers?: string[]
  /** Zero fraction at or above which a filter (or its l+1 inputs) counts as mostly zero (0.9). */
  cutoff?: number
  /** |w| at or below this counts as zero (default 0: exact zeros after thresholding). */
  zeroTolerance?: number
  /** Units each layer keeps at least (default 1). */
  minUnits?: number
  structure?: PruneStructure
}

/** Zero fraction, per unit of the group, of the owners' filters at the unit's positions. */
async function ownZeroFractions(model: tf.LayersModel, group: PruneGroup, tol: number): Promise<Float64Array> {
  const zeros = new Float64Array(group.units)
  const totals = new Float64Array(group.units)
  for (const owner of group.owners) {
    // As a matrix [fan-in, width] (Dense, Conv2D, and depthwise [kh, kw, in, m] alike): flat i is column i mod width.
    const kernel = model.getLayer(owner.name).getWeights()[layerKindOf(owner.className)?.kernelIndex ?? 0]
    const data = (await kernel.data()) as Float32Array
    const width = owner.units
    const count = new Float64Array(width)
    for (let i = 0; i < data.length; i++) if (Math.abs(data[i]) <= tol) count[i % width]++
    owner.positions.forEach((ps, k) => {
      for (const p of ps) {
        zeros[k] += count[p]
        totals[k] += data.length / width
      }
    })
  }
  return zeros.map((z, k) => (totals[k] > 0 ? z / totals[k] : 0))
}

/** Zeros of the consumers' (l+1) input weights that read each unit of the group. */
async function nextZeroFractions(model: tf.LayersModel, group: PruneGroup, tol: number): Promise<Float64Array> {
  const zeros = new Float64Array(group.units)
  const totals = new Float64Array(group.units)
  for (const consumer of group.consumers) addConsumerZeros(await consumerKernel(model, consumer), consumer, tol, zeros, totals)
  return zeros.map((z, j) => (totals[j] > 0 ? z / totals[j] : 0))
}

async function consumerKernel(model: tf.LayersModel, consumer: GroupConsumer): Promise<{ data: Float32Array; shape: number[] }> {
  const kernel = model.getLayer(consumer.layer).getWeights()[0]
  return { data: (await kernel.data()) as Float32Array, shape: kernel.shape }
}

function addConsumerZeros(kernel: { data: Float32Array; shape: number[] }, consumer: GroupConsumer, tol: number, zeros: Float64Array, totals: Float64Array): void {
  const { data, shape } = kernel
  const cout = shape[shape.length - 1]
  const cin = shape[shape.length - 2]
  const pre = data.length / (cin * cout) // kh·kw for Conv2D, 1 for Dense
  consumer.rows.forEach((rows, j) => {
    for (const c of rows) {
      for (let p = 0; p < pre; p++) {
        const base = (p * cin + c) * cout
        for (let o = 0; o < cout; o++) if (Math.abs(data[base + o]) <= tol) zeros[j]++
      }
      totals[j] += pre * cout
    }
  })
}

/**
 * Singh et al. 2019, step 2: filters of l that are mostly zero OR whose matching input channels in
 * l+1 are mostly zero (zero fraction ≥ cut-off). Never empties a layer: when every filter
 * qualifies, the `minUnits` least-zero filters are kept.
 */
export async function selectByLayerStatistics(
  model: tf.LayersModel,
  options: LayerStatisticsOptions = {},
): Promise<{ remove: RemovalPlan; stats: FilterStatistics[] }> {
  const structure = options.structure ?? analyzeStructure(model)
  const cutoff = options.cutoff ?? 0.9
  const tol = options.zeroTolerance ?? 0
  const minUnits = options.minUnits ?? 1
  const layers = (options.layers ?? structure.prunable.map((p) => p.name)).map((name) =>
    prunableLayer(structure, name),
  )
  const remove: RemovalPlan = {}
  const stats: FilterStatistics[] = []
  for (const layer of layers) {
    const own = await ownZeroFractions(model, layer, tol)
    const next = await nextZeroFractions(model, layer, tol)
    const rows: FilterStatistics[] = Array.from({ length: layer.units }, (_, unit) => {
      const reason =
        own[unit] >= cutoff ? 'zero-filter' : next[unit] >= cutoff ? 'zero-next-inputs' : null
      return {
        layer: layer.name,
        unit,
        zeroFraction: own[unit],
        nextZeroFraction: next[unit],
        remove: reason !== null,
        reason,
      }
    })
    const selected = rows.filter((r) => r.remove)
    const mustKeep = Math.max(0, minUnits - (layer.units - selected.length))
    if (mustKeep > 0) {
      // Keep the least-zero of the selected filters so the layer keeps `minUnits` units.
      const score = (r: FilterStatistics): number => Math.max(r.zeroFraction, r.nextZeroFraction)
      for (const r of [...selected]
        .sort((a, b) => score(a) - score(b) || a.unit - b.unit)
        .slice(0, mustKeep)) {
        r.remove = false
        r.reason = null
      }
    }
    const indices = rows.filter((r) => r.remove).map((r) => r.unit)
    if (indices.length > 0) remove[layer.name] = indices
    stats.push(...rows)
  }
  return { remove, stats }
}
