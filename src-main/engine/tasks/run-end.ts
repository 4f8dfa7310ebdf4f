/**
 * What both tasks do the same way around a run: read the parent model file, stream a training
 * phase's per-epoch metrics, and end the run (evaluate on the test split, save the model as the
 * run's artifact, report the results with the size and the training, log the outcome).
 */
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import type { RunJob } from '../run-job'
import { modelStats } from '../models/layer-report'
import { saveModel } from '../models/model-files'
import type { TrainResult } from '../train/epoch-loop'
import type { RunTask, SinkWithLayers, TaskEvaluation, TaskRun } from './task'

export const shapeText = (s: readonly (number | null)[]): string => `[${s.map((d) => d ?? '?').join(', ')}]`
export const round = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits })

/** The unpruned parent's model file (`job.parentModelPath`); a run without one is refused. */
export function parentModelPath(job: RunJob): string {
  const path = job.parentModelPath
  if (path === undefined || path === '') {
    throw new Error(`a ${job.config.method.kind} run needs the model of its unpruned parent, and none was given`)
  }
  return path
}

/** Sends a training phase's per-epoch metrics to the sink, keys prefixed and steps offset. */
export function epochMetrics(
  sink: SinkWithLayers,
  prefix = '',
  offset = 0,
): (epoch: number, metrics: Record<string, number>) => void {
  return (epoch, metrics) =>
    sink.metrics(Object.entries(metrics).map(([key, value]) => ({ key: prefix + key, step: offset + epoch, value })))
}

/**
 * The shared end of a run: evaluate on the test split, save the model (TF.js layers format) as the
 * run's `model` artifact, let the task add its extras (`afterSave`: previews), and report the
 * results: `results` (the method's), the evaluation, the last epoch's `trainKeys`, size, training.
 */
export async function finishTaskRun<E extends TaskEvaluation>(
  task: Pick<RunTask, 'trainSplit' | 'testSplit'> & { evaluate(model: tf.LayersModel): Promise<E> },
  run: TaskRun,
  model: tf.LayersModel,
  o: {
    trained: TrainResult | null
    results?: Record<string, number>
    evaluated?: tf.LayersModel
    trainKeys: readonly string[]
    afterSave?(evaluation: E): void
  },
): Promise<E> {
  const { sink, job } = run
  const { trained } = o
  const epochs = trained?.epochs ?? 0
  sink.progress({ phase: 'evaluate', epoch: epochs, epochs, step: 0, steps: 1, fraction: 1, etaSeconds: 0 })
  const test = await task.evaluate(o.evaluated ?? model)
  const stats = modelStats(model)
  const files = await saveModel(model, join(job.artifactDir, 'model'))
  for (const f of files) sink.artifact({ kind: 'model', ...f })
  o.afterSave?.(test)
  const last = trained?.history[trained.history.length - 1] ?? {}
  const trainResults: Record<string, number> = {}
  for (const key of o.trainKeys) if (last[key] !== undefined) trainResults[key] = last[key]
  sink.result({
    ...o.results,
    ...test.results('test'),
    'test.examples': task.testSplit.n,
    'train.examples': task.trainSplit.n,
    ...trainResults,
    params: stats.params,
    macs: stats.macs,
    'model.bytes': files.reduce((a, f) => a + f.bytes, 0),
    ...(trained ? { 'train.seconds': trained.seconds, epochs } : {}),
  })
  sink.log('info', `done: ${test.text}${trained ? ` in ${round(trained.seconds)} s of training` : ''}`)
  return test
}
