/**
 * Training a classifier with the one training loop (`epoch-loop.ts`): the objective is a plug-in
 * (`TrainLoss`: cross-entropy, Hinton, …). A step gathers a batch (optional ±N px jitter), the
 * loss sees the logits and the labels, correct predictions are summed on the device; after each
 * epoch the validation split (held out of the training split when `validationFraction` > 0) and
 * the test split are evaluated.
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainingSpec } from '../../../src-shared/spec/schema'
import type { RunProgress } from '../../../src-shared/types'
import type { DataSplit } from '../data/dataset'
import { featureSize, takeExamples } from '../data/dataset'
import { stratifiedSplit } from '../data/stratified-split'
import { createRng, deriveSeed } from '../random/seeded-rng'
import { gatherBatch } from './batch-gather'
import { runEpochs, type TrainResult } from './epoch-loop'
import { batchSums, evaluate } from './evaluate'
import type { TrainLoss } from './train-loss'

export type { TrainResult } from './epoch-loop'

export interface TrainOptions {
  model: tf.LayersModel
  train: DataSplit
  /** Evaluated after every epoch (`test.loss`, `test.accuracy`) when given. */
  test?: DataSplit
  inputShape: number[]
  training: TrainingSpec
  /** Run seed: shuffling, jitter and the validation split derive from it. */
  seed: number
  loss: TrainLoss
  /** Added to the objective on the gradient tape (see `EpochLoopOptions.penalty`). */
  penalty?: () => tf.Scalar
  /** Progress phase name, e.g. `train` or `distill`. */
  phase?: string
  onProgress?(p: RunProgress): void
  /** After each epoch (1-based) with its metrics; awaited. */
  onEpochEnd?(epoch: number, metrics: Record<string, number>): void | Promise<void>
  /** After every optimisation step (unthrottled; for tests and benchmarks); awaited. */
  onStepEnd?(epoch: number, step: number): void | Promise<void>
  progressIntervalMs?: number
}

interface Batch {
  x: Float32Array
  y: Int32Array
  n: number
}

/** Trains `model` in place with the configured optimizer, schedule, augmentation and loss. */
export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const { model, training, inputShape } = o
  const features = featureSize(inputShape)
  let train = o.train
  let validation: DataSplit | null = null
  if (training.validationFraction > 0) {
    const parts = stratifiedSplit(train.y, training.validationFraction, deriveSeed(o.seed, 'validation'))
    validation = takeExamples(train, parts.test, features)
    train = takeExamples(train, parts.train, features)
  }
  if (train.n === 0) throw new Error('the training split is empty')
  const jitterRng = createRng(deriveSeed(o.seed, 'jitter'))
  const split = train
  const evaluated = (prefix: string, e: { loss: number; accuracy: number }): Record<string, number> => ({
    [`${prefix}.loss`]: e.loss,
    [`${prefix}.accuracy`]: e.accuracy,
  })
  return runEpochs(
    { ...o, phase: o.phase ?? 'train' },
    {
      count: split.n,
      gather: (order, start, end): Batch => ({ ...gatherBatch(split, order, start, end, inputShape, training.jitter, jitterRng, training.augment), n: end - start }),
      size: (b) => b.n,
      inputs: (start, end) => tf.tensor(split.x.subarray(start * features, end * features), [end - start, ...inputShape]),
      prepare: (b) => {
        const x = tf.tensor(b.x, [b.n, ...inputShape])
        const y = tf.tensor1d(b.y, 'int32')
        return { x, y, prepared: o.loss.prepare?.(x) ?? {} }
      },
      loss: (_b, { x, y, prepared }) => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D
        const correct = batchSums(logits, y).correct
        return { objective: o.loss.compute(logits, y, { x, prepared }), sums: tf.reshape(correct, [1]) as tf.Tensor1D }
      },
      metrics: (sums, n) => ({ 'train.accuracy': sums[0] / n }),
      evaluate: async () => ({
        ...(validation ? evaluated('val', await evaluate(model, validation.x, validation.y, { inputShape })) : {}),
        ...(o.test ? evaluated('test', await evaluate(model, o.test.x, o.test.y, { inputShape })) : {}),
      }),
    },
  )
}
