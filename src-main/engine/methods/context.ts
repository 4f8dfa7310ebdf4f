/**
 * What every method executor receives: the run (job, resolved config, sink), its task (data,
 * training, evaluation, the end of a run: `tasks/`) and the backend. One executor per method kind
 * lives beside this file; `run.ts` dispatches to them through `methods/index.ts`.
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunConfig, RunMethod } from '../../../src-shared/spec/expand'
import type { RunJob } from '../run-job'
import { modelStats } from '../models/layer-report'
import type { AnyTask, ClassificationTask, DetectionTask, SinkWithLayers } from '../tasks'
import { round } from '../tasks/run-end'

export type { SinkWithLayers } from '../tasks'
export { round } from '../tasks/run-end'

export interface RunContext<M extends RunMethod = RunMethod> {
  job: RunJob
  config: RunConfig & { method: M }
  sink: SinkWithLayers
  task: AnyTask
  backend: string
}

/** One method kind's executor. */
export type MethodExecutor<M extends RunMethod = RunMethod> = (ctx: RunContext<M>) => Promise<void>

/** Logs a model's size the same way for every method and task. */
export function describeModel(ctx: RunContext, model: tf.LayersModel, what: string): ReturnType<typeof modelStats> {
  const stats = modelStats(model)
  ctx.sink.log('info', `${what}: ${round(stats.params, 0)} parameters, ${round(stats.macs / 1e6, 2)} M MACs per ${ctx.task.unit}`)
  return stats
}

/** The run's task when the method exists for classifiers only; otherwise an error naming it. */
export function classificationTask(ctx: RunContext): ClassificationTask {
  if (ctx.task.kind !== 'classification') throw new Error(`method ${ctx.config.method.kind} does not run on detection datasets`)
  return ctx.task
}

/** The run's task when the method exists for detectors only; otherwise an error naming it. */
export function detectionTask(ctx: RunContext): DetectionTask {
  if (ctx.task.kind !== 'detection') throw new Error(`method ${ctx.config.method.kind} needs a detection dataset (shapes or voc)`)
  return ctx.task
}
