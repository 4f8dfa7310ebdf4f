/**
 * What every method executor receives, and the shared tail of a run (evaluate on the test split,
 * save the model as an artifact, report the results). One executor per method kind lives beside
 * this file; `run.ts` dispatches to them (`methods/index.ts`).
 */
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import type { RunConfig, RunMethod } from '../../../src-shared/spec/expand'
import type { RunJob, RunSink } from '../run-job'
import type { Dataset } from '../data/dataset'
import { modelStats, type LayerStats } from '../models/layer-report'
import { saveModel } from '../models/model-files'
import { evaluate, type Evaluation } from '../train/evaluate'
import { trainModel, type TrainOptions, type TrainResult } from '../train/train-model'

/** The sink, with the optional per-layer report the worker forwards. */
export type SinkWithLayers = RunSink & { layers?(phase: 'before' | 'after', layers: LayerStats[]): void }

export interface RunContext<M extends RunMethod = RunMethod> {
  job: RunJob
  config: RunConfig & { method: M }
  sink: SinkWithLayers
  data: Dataset
  backend: string
}

/** One method kind's executor. */
export type MethodExecutor<M extends RunMethod = RunMethod> = (ctx: RunContext<M>) => Promise<void>

export const round = (n: number, digits = 1): string => n.toLocaleString('en-US', { maximumFractionDigits: digits })

/** Trains with the one training loop, streaming progress and per-epoch metrics to the sink. */
export function trainWithSink(
  ctx: RunContext,
  o: Omit<TrainOptions, 'train' | 'test' | 'inputShape' | 'training' | 'seed' | 'onProgress' | 'onEpochEnd'> &
    Partial<Pick<TrainOptions, 'train' | 'test' | 'training' | 'seed'>> & { metricPrefix?: string; stepOffset?: number },
): Promise<TrainResult> {
  const { data, config, sink } = ctx
  const prefix = o.metricPrefix ?? ''
  const offset = o.stepOffset ?? 0
  return trainModel({
    ...o,
    train: o.train ?? data.train,
    test: o.test === undefined ? data.test : o.test,
    inputShape: data.inputShape,
    training: o.training ?? config.training,
    seed: o.seed ?? config.seed,
    onProgress: (p) => sink.progress(p),
    onEpochEnd: (epoch, metrics) =>
      sink.metrics(Object.entries(metrics).map(([key, value]) => ({ key: prefix + key, step: offset + epoch, value }))),
  })
}

/** Test-split evaluation of a model on the run's dataset. */
export function evaluateOnTest(ctx: RunContext, model: tf.LayersModel): Promise<Evaluation> {
  return evaluate(model, ctx.data.test.x, ctx.data.test.y, { inputShape: ctx.data.inputShape })
}

/**
 * The shared end of a run: evaluate on the test split, save the model (TF.js layers format) as
 * the run's `model` artifact, and report the final results (method-specific ones in `extra`).
 */
export async function finishRun(
  ctx: RunContext,
  model: tf.LayersModel,
  trained: TrainResult | null,
  extra: Record<string, number> = {},
): Promise<Evaluation> {
  const { sink, job, data } = ctx
  const epochs = trained?.epochs ?? 0
  sink.progress({ phase: 'evaluate', epoch: epochs, epochs, step: 0, steps: 1, fraction: 1, etaSeconds: 0 })
  const test = await evaluateOnTest(ctx, model)
  const stats = modelStats(model)
  const files = await saveModel(model, join(job.artifactDir, 'model'))
  for (const f of files) sink.artifact({ kind: 'model', ...f })
  const last = trained?.history[trained.history.length - 1] ?? {}
  sink.result({
    ...extra,
    'test.accuracy': test.accuracy,
    'test.loss': test.loss,
    'test.errors': test.errors,
    'test.examples': test.n,
    'train.examples': data.train.n,
    ...(last['train.loss'] !== undefined ? { 'train.loss': last['train.loss'], 'train.accuracy': last['train.accuracy'] } : {}),
    params: stats.params,
    macs: stats.macs,
    'model.bytes': files.reduce((a, f) => a + f.bytes, 0),
    ...(trained ? { 'train.seconds': trained.seconds, epochs } : {}),
  })
  sink.log('info', `done: ${test.errors} test errors (accuracy ${(test.accuracy * 100).toFixed(2)} %)${trained ? ` in ${round(trained.seconds)} s of training` : ''}`)
  return test
}

/** Logs a model's size the same way for every method. */
export function describeModel(ctx: RunContext, model: tf.LayersModel, what: string): ReturnType<typeof modelStats> {
  const stats = modelStats(model)
  ctx.sink.log('info', `${what}: ${round(stats.params, 0)} parameters, ${round(stats.macs / 1e6, 2)} M MACs per example`)
  return stats
}
