/**
 * What the pruning executors (METHODS P1–P3, AGP, slimming, sensitivity) share at the level of a
 * run, for every task: the parent measured and reported, a few minibatch updates of fine-tuning,
 * the criteria's batches, several training phases as one, and the end of a pruning run (the
 * parent's values, size and latency against it, the layer report after pruning, `task.finish`).
 */
import type * as tf from '@tensorflow/tfjs'
import type { LayerStats } from '../models/layer-report'
import type { BatchProvider } from '../prune/importance/types'
import { groupReport } from '../prune/group-report'
import { measureModel, serializedBytes } from '../prune/measure'
import { prunableStructure } from '../prune/protocol'
import { analyzeStructure, type PruneStructure } from '../prune/structure'
import { deriveSeed } from '../random/seeded-rng'
import { permutation, scoringBatches } from '../tasks/sampling'
import type { RunTask, TaskEvaluation, TaskTeacher } from '../tasks'
import type { TrainResult } from '../train/epoch-loop'
import { round, type RunContext } from './context'
import { interleavedTimings, type LatencyTimings } from './prune-latency'
import { ortAgainstParent } from '../measure/ort-latency'
import { originResults, readLineage, writeLineage } from '../models/lineage'

/** Examples per latency batch (as `npm run bench` times inference: batch 64). */
export const LATENCY_BATCH = 64

/** The size of a model: what a parent and its pruned model are compared on. */
export interface ModelSize {
  params: number
  nonZeroParams: number
  macs: number
  serializedBytes: number
}

/** A model measured the way every pruning run reports it. */
export interface ModelReport extends ModelSize {
  evaluation: TaskEvaluation
  layers: LayerStats[]
}

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`

/** The run's task as the methods see it (every task). */
export const taskOf = (ctx: RunContext): RunTask => ctx.task

/**
 * Loads the unpruned parent (checked against the run's data by its task), runs `body` with it and
 * releases it after, whatever happens.
 */
export async function withParent(ctx: RunContext, body: (parent: tf.LayersModel, task: RunTask) => Promise<void>): Promise<void> {
  const task = taskOf(ctx)
  const parent = await task.loadParent()
  try {
    await body(parent, task)
  } finally {
    parent.dispose()
  }
}

/**
 * The last training of a pruning run: `epochs` of fine-tuning on the labels (or distillation from
 * `teacher`), its metrics under `finetune.`; null when `epochs` is 0.
 */
export async function finalTraining(
  ctx: RunContext,
  model: tf.LayersModel,
  epochs: number,
  o: { teacher?: TaskTeacher; stepOffset?: number; onStepEnd?(): void | Promise<void> } = {},
): Promise<TrainResult | null> {
  if (epochs <= 0) return null
  return taskOf(ctx).train({ model, training: { epochs }, phase: o.teacher ? 'distill' : 'finetune', metricPrefix: 'finetune.', ...o })
}

/** The parent's pruning structure; unsupported layers and a model with nothing prunable are errors. */
export function parentStructure(ctx: RunContext, model: tf.LayersModel): PruneStructure {
  return prunableStructure(model, `parent model (${ctx.task.modelText()})`)
}

/** Test-split evaluation plus size and compute of a model. */
export async function measureOnTest(task: RunTask, model: tf.LayersModel): Promise<ModelReport> {
  const evaluation = await task.evaluate(model)
  const m = await measureModel(model)
  return { evaluation, params: m.params, nonZeroParams: m.nonZeroParams, macs: m.macs, serializedBytes: await serializedBytes(model), layers: m.layers }
}

/** Measures the parent, reports its layers ('before') and logs what it is. */
export async function reportParent(ctx: RunContext, parent: tf.LayersModel): Promise<ModelReport> {
  const report = await measureOnTest(taskOf(ctx), parent)
  ctx.sink.layers?.('before', report.layers)
  ctx.sink.log(
    'info',
    `parent: ${round(report.params, 0)} parameters, ${round(report.macs / 1e6, 3)} M MACs per ${ctx.task.unit}, ${report.evaluation.text}`,
  )
  return report
}

/** The criteria's batches: the task's scoring examples drawn afresh at each call, in the run's batch size. */
export function criterionBatches(ctx: RunContext, seed: number): BatchProvider {
  return scoringBatches(taskOf(ctx), seed, ctx.config.training.batchSize)
}

/**
 * A few minibatch updates at a time (Molchanov 2017: 10–30 updates between removal steps): each
 * call trains on the next `steps · batchSize` examples of a seeded permutation of the training
 * split, wrapping around, with a fresh optimizer (the model's shape changed since the last call),
 * at the run's base learning rate, on the labels or from `teacher`.
 */
export function minibatchFineTuner(ctx: RunContext, seed: number): (model: tf.LayersModel, steps: number, teacher?: TaskTeacher) => Promise<void> {
  const task = taskOf(ctx)
  const n = task.trainSplit.n
  const batchSize = ctx.config.training.batchSize
  const order = permutation(n, deriveSeed(seed, 'prune/finetune-order'))
  let cursor = 0
  let calls = 0
  return async (model, steps, teacher) => {
    if (steps <= 0) return
    const count = steps * batchSize
    const indices = new Int32Array(count)
    for (let i = 0; i < count; i++) indices[i] = order[(cursor + i) % n]
    cursor = (cursor + count) % n
    await task.train({
      model,
      split: task.subset(task.trainSplit, indices),
      training: { epochs: 1, validationFraction: 0, lrSchedule: 'constant', warmupEpochs: 0 },
      seed: deriveSeed(seed, `prune/finetune-${calls++}`),
      phase: 'prune',
      quiet: true,
      ...(teacher ? { teacher } : {}),
    })
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

/**
 * The results every pruning run reports besides its metric: the parent's size and latency
 * (`parent.*`), the pruned model's non-zero params, bytes and latency (`latency.*`, timed
 * interleaved with the parent on a batch of `batch`: folded inference, and the layers model's
 * `predict` as `latency.layers.cpu.ms`), and the ratios between them.
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
    'parent.latency.layers.cpu.ms': timings.layersCpuMs[0],
    'latency.layers.cpu.ms': timings.layersCpuMs[1],
    'speedup.layers.cpu': timings.layersCpuMs[0] / timings.layersCpuMs[1],
    compression: p.params / r.params,
    'compression.nonzero': p.nonZeroParams / r.nonZeroParams,
    'macs.reduction': p.macs > 0 ? 1 - r.macs / p.macs : 0,
    speedup: parentMs / prunedMs,
    'speedup.cpu': parentCpuMs / prunedCpuMs,
  }
}

/**
 * Writes the run's lineage (the chain's original model: the parent's own lineage, or the parent)
 * and returns the comparison with that origin when the parent was itself a compression stage.
 */
function lineageResults(ctx: RunContext, p: ModelSize & { evaluation: TaskEvaluation }, params: number, metric: number): Record<string, number> {
  const inherited = readLineage(ctx.job.parentModelPath)
  const origin = inherited ?? { weightsBytes: 4 * p.params, params: p.params, metric: p.evaluation.metric, metricName: taskOf(ctx).metric }
  ctx.sink.artifact({ kind: 'lineage', ...writeLineage(ctx.job.artifactDir, origin) })
  return inherited ? originResults(origin, 4 * params, metric) : {}
}

/**
 * The shared end of a pruning run: measure the pruned model, time it against the parent in the same
 * process (interleaved), report its layers ('after'), then `task.finish` (evaluation, the model
 * artifact, results) with the parent's values and the comparison: compression = parent params /
 * params, MAC reduction = 1 − MACs / parent MACs, speed-up = parent latency / latency (wall clock;
 * `speedup.cpu` from CPU time, steadier on a shared machine), `<metric>.change` = metric − the
 * parent's (accuracy or mAP).
 */
export async function finishPruned(
  ctx: RunContext,
  o: {
    parent: tf.LayersModel
    /** The parent as `reportParent` measured it. */
    before: ModelReport
    model: tf.LayersModel
    /** The run's training phases (none, null or empty ones included). */
    trainings: readonly (TrainResult | null)[]
    extra?: Record<string, number>
    /** Each group's mean unit score at the last ranking, for the group report. */
    groupScores?: ReadonlyMap<string, number>
  },
): Promise<Record<string, number>> {
  const task = taskOf(ctx)
  const { parent, before: p, model } = o
  const r = await measureOnTest(task, model)
  const x = task.inputBatch(LATENCY_BATCH)
  const batch = x.shape[0]
  let timings: LatencyTimings
  let onOrt: Awaited<ReturnType<typeof ortAgainstParent>>
  try {
    timings = await interleavedTimings([parent, model], x)
    onOrt = await ortAgainstParent(parent, model, (await x.data()) as Float32Array, x.shape.slice(1))
  } finally {
    x.dispose()
  }
  if ('skipped' in onOrt) ctx.sink.log('warn', onOrt.skipped)
  const [parentMs, prunedMs] = timings.wallMs
  const [parentCpuMs, prunedCpuMs] = timings.cpuMs
  ctx.sink.layers?.('after', r.layers)
  ctx.sink.groups?.(groupReport(analyzeStructure(parent), analyzeStructure(model), o.groupScores))
  const before = p.evaluation.metric
  const after = r.evaluation.metric
  const results: Record<string, number> = {
    ...p.evaluation.results('parent.test'),
    ...sizeAndLatencyResults(p, r, timings, batch),
    [`${task.metric}.change`]: after - before,
    ...('results' in onOrt ? onOrt.results : {}),
    ...lineageResults(ctx, p, r.params, after),
    ...o.extra,
  }
  ctx.sink.log(
    'info',
    `pruned: ${round(p.params, 0)} → ${round(r.params, 0)} parameters (${(p.params / r.params).toFixed(2)}×), ` +
      `MACs −${pct(results['macs.reduction'])}, latency ${parentMs.toFixed(2)} → ${prunedMs.toFixed(2)} ms per batch of ` +
      `${batch} (${(parentMs / prunedMs).toFixed(2)}× faster; CPU time ${(parentCpuMs / prunedCpuMs).toFixed(2)}×), test ${task.metric} ` +
      `${pct(before)} → ${pct(after)} (${((after - before) * 100).toFixed(2)} points)`,
  )
  await task.finish(model, { trained: combineTraining(o.trainings), results })
  return results
}
