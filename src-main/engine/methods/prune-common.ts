/**
 * What the pruning-family executors share (METHODS P1–P3, AGP, slimming, sensitivity): load and
 * check the unpruned parent, measure a model the way every pruning run reports it (test accuracy,
 * params, non-zero params, MACs, serialized bytes, latency), a few minibatch updates of
 * fine-tuning, training batches for the importance scorers, the checks that fail a bad spec before
 * any work, and the shared end of a pruning run (parent.* and comparison results, the layer report
 * after pruning, the pruned model saved as the run's artifact by `finishRun`).
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainingSpec } from '../../../src-shared/spec/schema'
import { featureSize, takeExamples, type DataSplit } from '../data/dataset'
import { stratifiedSplit } from '../data/stratified-split'
import { loadFittingModel, withLogitsOutput } from '../distill/teacher-model'
import type { LayerStats } from '../models/layer-report'
import { createImportanceScorer } from '../prune/importance/registry'
import type { BatchProvider, ImportanceScorer, LossFunction } from '../prune/importance/types'
import { measureModel, serializedBytes } from '../prune/measure'
import { analyzeStructure, type PrunableLayer, type PruneStructure } from '../prune/structure'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import { crossEntropy } from '../train/cross-entropy'
import { trainModel } from '../train/train-model'
import type { TrainLoss } from '../train/train-loss'
import type { TrainResult } from '../train/train-model'
import { evaluateOnTest, finishRun, round, type RunContext } from './context'
import { interleavedTimings, type LatencyTimings } from './prune-latency'

export { LATENCY_ROUNDS, interleavedTimings, type LatencyTimings } from './prune-latency'

/** Examples per latency batch (as `npm run bench` times inference: batch 64). */
export const LATENCY_BATCH = 64
/** Training examples the importance criterion is computed on at each step ("a few minibatches"). */
export const SCORING_EXAMPLES = 512

/** A model measured the way every pruning run reports it. */
export interface ModelReport {
  accuracy: number
  loss: number
  errors: number
  params: number
  nonZeroParams: number
  macs: number
  serializedBytes: number
  layers: LayerStats[]
}

const firstLine = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).split('\n')[0]

/** One line saying what model a run's spec describes (for messages about the parent). */
export function modelText(ctx: RunContext): string {
  const m = ctx.config.model
  if (m.arch === 'lenet5') return `lenet5 (filters [${m.filters.join(', ')}], dense [${m.dense.join(', ')}])`
  if (m.arch === 'mlp') return `mlp (hidden [${m.hidden.join(', ')}])`
  if (m.arch === 'custom') return `custom (${m.layers.map((l) => l.type).join(', ')})`
  return `${m.arch} (filters [${m.filters.join(', ')}])`
}

/**
 * Loads the unpruned parent (`job.parentModelPath`) as a logits model that takes the dataset's
 * examples as they are (pruning and evaluation apply it directly, so a flat-input model is refused).
 */
export async function loadParent(ctx: RunContext): Promise<tf.LayersModel> {
  const path = ctx.job.parentModelPath
  if (path === undefined || path === '') {
    throw new Error(`a ${ctx.config.method.kind} run needs the model of its unpruned parent, and none was given`)
  }
  const loaded = await loadFittingModel(path, 'parent', ctx.data, true)
  const { model, changed } = await withLogitsOutput(loaded)
  if (changed) ctx.sink.log('info', 'the parent ends in softmax; pruning its pre-softmax logits model')
  return model
}

/** The parent's pruning structure; unsupported layers and a model with nothing prunable are errors. */
export function parentStructure(ctx: RunContext, model: tf.LayersModel): PruneStructure {
  return prunableStructure(model, `parent model (${modelText(ctx)})`)
}

/** `model`'s pruning structure, errors naming it as `what` (e.g. `parent detector (tinyYolo)`). */
export function prunableStructure(model: tf.LayersModel, what: string): PruneStructure {
  let structure: PruneStructure
  try {
    structure = analyzeStructure(model)
  } catch (e) {
    throw new Error(`${what}: ${firstLine(e)}`)
  }
  if (structure.prunable.length === 0) {
    const fixed = structure.fixed.map((f) => `'${f.name}' (${f.reason})`).join('; ')
    throw new Error(
      `the ${what} has nothing to prune: no Dense or Conv2D layer whose units feed ` +
        `another layer${fixed ? `; kernel layers: ${fixed}` : ''}`,
    )
  }
  return structure
}

/**
 * The prunable layers a spec names (`method.layers`), or all of them. An unknown name, or one that
 * cannot be pruned, is an error listing what can be.
 */
export function resolveLayers(structure: PruneStructure, names: readonly string[] | undefined, field: string): PrunableLayer[] {
  if (names === undefined) return structure.prunable
  const known = structure.prunable.map((p) => `'${p.name}'`).join(', ')
  if (names.length === 0) throw new Error(`${field} is empty; prunable layers: ${known}`)
  const seen = new Set<string>()
  return names.map((name) => {
    if (seen.has(name)) throw new Error(`${field} names layer '${name}' twice`)
    seen.add(name)
    const found = structure.prunable.find((p) => p.name === name)
    if (found !== undefined) return found
    const fixed = structure.fixed.find((f) => f.name === name)
    const node = structure.graph.byName.get(name)
    const why =
      fixed !== undefined
        ? `layer '${name}' cannot be pruned: ${fixed.reason}`
        : node !== undefined
          ? `layer '${name}' (${node.className}) cannot be pruned: only Dense and Conv2D units can`
          : `unknown layer '${name}'`
    throw new Error(`${field}: ${why}; prunable layers: ${known}`)
  })
}

/** The criterion's scorer; an unknown name is an error listing the known ones. */
export function pruneScorer(criterion: string, flopsLambda = 0): ImportanceScorer {
  try {
    return createImportanceScorer(criterion, { flopsLambda })
  } catch (e) {
    throw new Error(`method.criterion: ${(e as Error).message}`)
  }
}

/** Checks the criterion can score these layers (BN scale needs a BatchNormalization after each). */
export function checkCriterion(ctx: RunContext, criterion: string, layers: readonly PrunableLayer[]): void {
  if (criterion !== 'bn-scale') return
  const without = layers.filter((l) => l.batchNorm === null).map((l) => `'${l.name}'`)
  if (without.length > 0) {
    throw new Error(
      `criterion 'bn-scale' needs a BatchNormalization after each pruned layer; ${without.join(', ')} of the parent ` +
        `(${ctx.config.model.arch}) have none (add batchNorm layers in a custom model, or set method.layers)`,
    )
  }
}

/** Units that may be removed from these layers when each keeps at least `minUnits`. */
export function removableUnits(layers: readonly PrunableLayer[], minUnits: number): number {
  return layers.reduce((a, l) => a + Math.max(0, l.units - minUnits), 0)
}

/** The first `LATENCY_BATCH` test examples as one input batch (caller disposes). */
export function latencyInput(ctx: RunContext): tf.Tensor {
  const { test, train } = ctx.data
  const split = test.n > 0 ? test : train
  const n = Math.min(LATENCY_BATCH, split.n)
  const f = featureSize(ctx.data.inputShape)
  return tf.tensor(split.x.slice(0, n * f), [n, ...ctx.data.inputShape])
}

/** Test-split evaluation plus size and compute of a model. */
export async function measureOnTest(ctx: RunContext, model: tf.LayersModel): Promise<ModelReport> {
  const test = await evaluateOnTest(ctx, model)
  const m = measureModel(model)
  return {
    accuracy: test.accuracy,
    loss: test.loss,
    errors: test.errors,
    params: m.params,
    nonZeroParams: m.nonZeroParams,
    macs: m.macs,
    serializedBytes: await serializedBytes(model),
    layers: m.layers,
  }
}

/** Measures the parent, reports its layers ('before') and logs what it is. */
export async function reportParent(ctx: RunContext, parent: tf.LayersModel): Promise<ModelReport> {
  const report = await measureOnTest(ctx, parent)
  ctx.sink.layers?.('before', report.layers)
  ctx.sink.log(
    'info',
    `parent: ${round(report.params, 0)} parameters, ${round(report.macs / 1e6, 3)} M MACs per example, ` +
      `test accuracy ${(report.accuracy * 100).toFixed(2)} % (${report.errors} errors)`,
  )
  return report
}

/** Cross-entropy on integer labels as the importance scorers' loss (yTrue = labels, yPred = logits). */
export const scoringLoss: LossFunction = (yTrue, yPred) => crossEntropy(yPred as tf.Tensor2D, yTrue as tf.Tensor1D)

/**
 * Batches for the importance criteria: each call draws `examples` training examples afresh (seeded
 * by the call number), in batches of the run's batch size; the tensors are released after use.
 */
export function scoringBatches(ctx: RunContext, seed: number, examples = SCORING_EXAMPLES): BatchProvider {
  const { train, inputShape } = ctx.data
  const f = featureSize(inputShape)
  const batchSize = ctx.config.training.batchSize
  let calls = 0
  return function* batches() {
    const rng = createRng(deriveSeed(seed, `prune/score-batches/${calls++}`))
    const order = shuffleInPlace(Int32Array.from({ length: train.n }, (_, i) => i), rng)
    const n = Math.min(examples, train.n)
    for (let start = 0; start < n; start += batchSize) {
      const part = takeExamples(train, order.subarray(start, Math.min(n, start + batchSize)), f)
      const xs = tf.tensor(part.x, [part.n, ...inputShape])
      const ys = tf.tensor1d(part.y, 'int32')
      try {
        yield { xs, ys }
      } finally {
        xs.dispose()
        ys.dispose()
      }
    }
  }
}

/** The training split divided into a (stratified, seeded) training part and a validation part. */
export function validationSplit(ctx: RunContext, fraction: number, purpose: string): { train: DataSplit; validation: DataSplit } {
  const { train, inputShape } = ctx.data
  const parts = stratifiedSplit(train.y, fraction, deriveSeed(ctx.config.seed, purpose))
  if (parts.test.length === 0 || parts.train.length === 0) {
    throw new Error(`validationFraction ${fraction} of ${train.n} training examples leaves an empty split`)
  }
  const f = featureSize(inputShape)
  return { train: takeExamples(train, parts.train, f), validation: takeExamples(train, parts.test, f) }
}

/**
 * A few minibatch updates at a time (Molchanov 2017: 10–30 updates between removal steps): each
 * call trains on the next `steps · batchSize` examples of a seeded permutation of the training
 * split, wrapping around, with a fresh optimizer (the model's shape changed since the last call).
 */
export function minibatchFineTuner(
  ctx: RunContext,
  seed: number,
): (model: tf.LayersModel, steps: number, loss: TrainLoss) => Promise<void> {
  const { train, inputShape } = ctx.data
  const f = featureSize(inputShape)
  const training: TrainingSpec = { ...ctx.config.training, epochs: 1, validationFraction: 0, lrSchedule: 'constant' }
  const order = shuffleInPlace(
    Int32Array.from({ length: train.n }, (_, i) => i),
    createRng(deriveSeed(seed, 'prune/finetune-order')),
  )
  let cursor = 0
  let calls = 0
  return async (model, steps, loss) => {
    if (steps <= 0) return
    const count = steps * training.batchSize
    const indices = new Int32Array(count)
    for (let i = 0; i < count; i++) indices[i] = order[(cursor + i) % train.n]
    cursor = (cursor + count) % train.n
    await trainModel({
      model,
      train: takeExamples(train, indices, f),
      inputShape,
      training,
      seed: deriveSeed(seed, `prune/finetune-${calls++}`),
      loss,
    })
  }
}

/** A training objective plus a penalty read from the model's variables (on the gradient tape). */
export function withPenalty(base: TrainLoss, name: string, penalty: () => tf.Scalar): TrainLoss {
  return {
    name: `${base.name} + ${name}`,
    ...(base.prepare ? { prepare: base.prepare } : {}),
    compute: (logits, labels, extras) => tf.add(base.compute(logits, labels, extras), penalty()) as tf.Scalar,
  }
}

/** Several training phases of one run as one result (epochs and seconds summed, histories joined). */
export function combineTraining(parts: readonly (TrainResult | null)[]): TrainResult | null {
  const done = parts.filter((p): p is TrainResult => p !== null && p.epochs > 0)
  if (done.length === 0) return null
  return {
    epochs: done.reduce((a, p) => a + p.epochs, 0),
    seconds: done.reduce((a, p) => a + p.seconds, 0),
    history: done.flatMap((p) => p.history),
  }
}

/** Lets heartbeats and progress out between long synchronous stretches. */
export { yieldToEventLoop } from '../train/progress-throttle'

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`


/** The size of a model: what a parent and its pruned model are compared on. */
export interface ModelSize {
  params: number
  nonZeroParams: number
  macs: number
  serializedBytes: number
}

/**
 * The results every pruning run reports besides accuracy: the parent's size and latency
 * (`parent.*`), the pruned model's non-zero params, bytes and latency (`latency.*`, timed
 * interleaved with the parent on a batch of `batch`), and the ratios between them.
 */
export function sizeAndLatencyResults(p: ModelSize, r: ModelSize, timings: LatencyTimings, batch: number): Record<string, number> {
  const [parentMs, prunedMs] = timings.wallMs
  const [parentCpuMs, prunedCpuMs] = timings.cpuMs
  return {
    'parent.params': p.params,
    'parent.params.nonzero': p.nonZeroParams,
    'parent.macs': p.macs,
    'parent.serialized.bytes': p.serializedBytes,
    'parent.latency.ms': parentMs,
    'parent.latency.cpu.ms': parentCpuMs,
    'params.nonzero': r.nonZeroParams,
    'serialized.bytes': r.serializedBytes,
    'latency.ms': prunedMs,
    'latency.cpu.ms': prunedCpuMs,
    'latency.batch': batch,
    compression: p.params / r.params,
    'compression.nonzero': p.nonZeroParams / r.nonZeroParams,
    'macs.reduction': p.macs > 0 ? 1 - r.macs / p.macs : 0,
    speedup: parentMs / prunedMs,
    'speedup.cpu': parentCpuMs / prunedCpuMs,
  }
}

/**
 * The shared end of a pruning run: measure the pruned model, time it against the parent in the same
 * process (interleaved), report its layers ('after'), then `finishRun` (evaluation, the model
 * artifact, results) with the parent's values and the comparison: compression = parent params /
 * params, MAC reduction = 1 − MACs / parent MACs, speed-up = parent latency / latency (wall clock;
 * `speedup.cpu` from CPU time, steadier on a shared machine), accuracy change = accuracy − parent
 * accuracy.
 */
export async function finishPruned(
  ctx: RunContext,
  o: {
    parent: tf.LayersModel
    parentReport: ModelReport
    model: tf.LayersModel
    trained: TrainResult | null
    extra?: Record<string, number>
  },
): Promise<Record<string, number>> {
  const { parent, parentReport: p, model } = o
  const r = await measureOnTest(ctx, model)
  const x = latencyInput(ctx)
  let timings: LatencyTimings
  try {
    timings = await interleavedTimings([parent, model], x)
  } finally {
    x.dispose()
  }
  const [parentMs, prunedMs] = timings.wallMs
  const [parentCpuMs, prunedCpuMs] = timings.cpuMs
  ctx.sink.layers?.('after', r.layers)
  const results: Record<string, number> = {
    'parent.test.accuracy': p.accuracy,
    'parent.test.loss': p.loss,
    'parent.test.errors': p.errors,
    ...sizeAndLatencyResults(p, r, timings, Math.min(LATENCY_BATCH, ctx.data.test.n || ctx.data.train.n)),
    'accuracy.change': r.accuracy - p.accuracy,
    ...o.extra,
  }
  ctx.sink.log(
    'info',
    `pruned: ${round(p.params, 0)} → ${round(r.params, 0)} parameters (${(p.params / r.params).toFixed(2)}×), ` +
      `MACs −${pct(results['macs.reduction'])}, latency ${parentMs.toFixed(2)} → ${prunedMs.toFixed(2)} ms per batch of ` +
      `${results['latency.batch']} (${(parentMs / prunedMs).toFixed(2)}× faster; CPU time ${(parentCpuMs / prunedCpuMs).toFixed(2)}×), test accuracy ${pct(p.accuracy)} → ` +
      `${pct(r.accuracy)} (${((r.accuracy - p.accuracy) * 100).toFixed(2)} points)`,
  )
  await finishRun(ctx, model, o.trained, results)
  return results
}
