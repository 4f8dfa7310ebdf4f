/**
 * The classification task: a `Dataset` of labelled examples, models that end in logits, training
 * with cross-entropy (or Hinton's loss from a teacher, or any `TrainLoss` a method brings),
 * accuracy as the metric, cross-entropy as the loss the Taylor criterion differentiates.
 */
import * as tf from '@tensorflow/tfjs'
import { isNetModel, type ModelSpec } from '../../../src-shared/spec/schema'
import { featureSize, takeExamples, type DataSplit, type Dataset } from '../data/dataset'
import { loadDataset } from '../data/load-dataset'
import { channelStatsText } from '../data/normalize'
import { stratifiedSplit } from '../data/stratified-split'
import { hintonLossNote, hintonObjective } from '../distill/hinton-objective'
import type { HintonArgs } from '../distill/losses/hinton'
import { loadFittingModel, withLogitsOutput } from '../distill/teacher-model'
import { buildModel } from '../models/build-model'
import { netLabel } from '../models/net-plan'
import type { LossFunction } from '../prune/importance/types'
import { deriveSeed } from '../random/seeded-rng'
import { crossEntropy, crossEntropyLoss } from '../train/cross-entropy'
import type { TrainResult } from '../train/epoch-loop'
import { evaluate } from '../train/evaluate'
import type { TrainLoss } from '../train/train-loss'
import { trainModel } from '../train/train-model'
import { epochMetrics, finishTaskRun, parentModelPath } from './run-end'
import type { RunTask, TaskEvaluation, TaskRun, TaskTeacher, TaskTraining } from './task'

/** Training on a classifier may bring its own objective (distillation's losses). */
export type ClassificationTraining = TaskTraining<DataSplit> & { loss?: TrainLoss }

export interface ClassificationTask extends RunTask<DataSplit> {
  readonly kind: 'classification'
  readonly data: Dataset
  train(o: ClassificationTraining): Promise<TrainResult>
}

/** Hinton's T and α when a pruning run recovers by distillation and the spec leaves them out. */
export const DEFAULT_DISTILL = { temperature: 4, alpha: 0.5 } as const

/** Hinton's T and α for a teacher (the defaults where the spec leaves them out). */
const hintonArgs = (t: TaskTeacher): HintonArgs => ({ temperature: t.temperature ?? DEFAULT_DISTILL.temperature, alpha: t.alpha ?? DEFAULT_DISTILL.alpha })

const pct = (x: number): string => `${(x * 100).toFixed(2)} %`

/** One line saying what model a classification spec describes. */
export function classifierText(m: ModelSpec): string {
  if (m.arch === 'lenet5') return `lenet5 (filters [${m.filters.join(', ')}], dense [${m.dense.join(', ')}])`
  if (m.arch === 'mlp') return `mlp (hidden [${m.hidden.join(', ')}])`
  if (m.arch === 'custom') return `custom (${m.layers.map((l) => l.type).join(', ')})`
  if (isNetModel(m)) return netLabel(m)
  return `${m.arch} (filters [${m.filters.join(', ')}])`
}

/** Cross-entropy on integer labels as the importance scorers' loss (yTrue = labels, yPred = logits). */
export const classificationScoringLoss: LossFunction = (yTrue, yPred) => crossEntropy(yPred as tf.Tensor2D, yTrue as tf.Tensor1D)

/** Loads the run's dataset (logging what it holds) and returns its classification task. */
export function createClassificationTask(run: TaskRun): ClassificationTask {
  const { job, config, sink } = run
  const data = loadDataset(config.dataset, job.dataDir)
  sink.log(
    'info',
    `dataset ${data.name}: ${data.train.n} train / ${data.test.n} test examples of [${data.inputShape.join(', ')}], ` +
      `${data.numClasses} classes`,
  )
  for (const w of data.warnings ?? []) sink.log('warn', `dataset ${data.name}: skipped ${w.file}: ${w.message}`)
  if (data.normalization) sink.log('info', `dataset ${data.name}: pixels normalised per channel by the training split: ${channelStatsText(data.normalization)}`)
  const { inputShape } = data
  const f = featureSize(inputShape)

  const evaluateOn = async (model: tf.LayersModel, split: DataSplit = data.test): Promise<TaskEvaluation> => {
    const e = await evaluate(model, split.x, split.y, { inputShape })
    const what = split === data.test ? 'test errors' : 'errors'
    return {
      metric: e.accuracy,
      results: (prefix) => ({ [`${prefix}.accuracy`]: e.accuracy, [`${prefix}.loss`]: e.loss, [`${prefix}.errors`]: e.errors }),
      text: `${e.errors} ${what} (accuracy ${pct(e.accuracy)})`,
    }
  }

  const task: ClassificationTask = {
    kind: 'classification',
    metric: 'accuracy',
    unit: 'example',
    data,
    trainSplit: data.train,
    testSplit: data.test,
    scoringExamples: 512,
    batchNormHint: 'add batchNorm layers in a custom model, or set method.layers',
    modelText: () => classifierText(config.model),
    buildModel: () => buildModel(config.model, inputShape, data.numClasses, config.seed),

    /**
     * The parent as a logits model that takes the dataset's examples as they are (pruning and
     * evaluation apply it directly, so a flat-input model is refused).
     */
    loadParent: async () => {
      const loaded = await loadFittingModel(parentModelPath(job), 'parent', data, true)
      const { model, changed } = await withLogitsOutput(loaded)
      if (changed) sink.log('info', 'the parent ends in softmax; pruning its pre-softmax logits model')
      return model
    },

    distillText: (teacher) => {
      const { temperature, alpha } = hintonArgs(teacher)
      return `Hinton's loss at T = ${temperature}, α = ${alpha}; ${hintonLossNote({ temperature, alpha })}`
    },

    train: (o) => {
      const teacher = o.teacher
      const loss = o.loss ?? (teacher ? hintonObjective(teacher.model, hintonArgs(teacher)) : crossEntropyLoss)
      return trainModel({
        model: o.model,
        train: o.split ?? data.train,
        ...(o.quiet ? {} : { test: data.test }),
        inputShape,
        training: { ...config.training, ...o.training },
        seed: o.seed ?? config.seed,
        loss,
        ...(o.penalty ? { penalty: o.penalty } : {}),
        phase: o.phase,
        ...(o.quiet ? {} : { onProgress: (p) => sink.progress(p), onEpochEnd: epochMetrics(sink, o.metricPrefix, o.stepOffset) }),
        ...(o.onStepEnd ? { onStepEnd: o.onStepEnd } : {}),
      })
    },

    evaluate: evaluateOn,
    subset: (split, indices) => takeExamples(split, indices, f),

    holdOut: (fraction, purpose) => {
      const parts = stratifiedSplit(data.train.y, fraction, deriveSeed(config.seed, purpose))
      if (parts.test.length === 0 || parts.train.length === 0) {
        throw new Error(`validationFraction ${fraction} of ${data.train.n} training examples leaves an empty split`)
      }
      return { train: takeExamples(data.train, parts.train, f), validation: takeExamples(data.train, parts.test, f) }
    },

    scoringBatch: (indices) => {
      const part = takeExamples(data.train, indices, f)
      return { xs: tf.tensor(part.x, [part.n, ...inputShape]), ys: tf.tensor1d(part.y, 'int32') }
    },
    scoringLoss: classificationScoringLoss,

    inputBatch: (count) => {
      const split = data.test.n > 0 ? data.test : data.train
      const n = Math.min(count, split.n)
      return tf.tensor(split.x.slice(0, n * f), [n, ...inputShape])
    },

    finish: (model, o) => finishTaskRun(task, run, model, { ...o, trainKeys: ['train.loss', 'train.accuracy'] }),
  }
  return task
}
