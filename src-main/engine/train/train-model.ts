/**
 * The one custom training loop (DESIGN §4 `train`), used by plain training and distillation alike:
 * the objective is a plug-in (`TrainLoss`). Per epoch: seeded shuffle, optional ±N px jitter,
 * mini-batch steps whose loss and correct counts are summed on the device (read once per epoch,
 * never per batch), then validation/test evaluation and the epoch's metrics. Every tensor of a step
 * is released in the step, so the tensor count stays flat across steps and epochs.
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainingSpec } from '../../../src-shared/spec/schema'
import type { RunProgress } from '../../../src-shared/types'
import type { DataSplit } from '../data/dataset'
import { featureSize, takeExamples } from '../data/dataset'
import { stratifiedSplit } from '../data/stratified-split'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import { gatherBatch } from './batch-gather'
import { batchSums, evaluate } from './evaluate'
import { learningRateAt } from './lr-schedule'
import { makeOptimizer, setLearningRate } from './optimizer'
import { epochProgress, yieldToEventLoop } from './progress-throttle'
import type { TrainLoss } from './train-loss'

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
  /** Progress phase name, e.g. `train` or `distill`. */
  phase?: string
  onProgress?(p: RunProgress): void
  /** After each epoch (1-based) with its metrics; awaited. */
  onEpochEnd?(epoch: number, metrics: Record<string, number>): void | Promise<void>
  /** After every optimisation step (unthrottled; for tests and benchmarks). */
  onStepEnd?(epoch: number, step: number): void
  progressIntervalMs?: number
}

export interface TrainResult {
  epochs: number
  /** Wall time of the training steps (evaluation excluded). */
  seconds: number
  /** Metrics of each epoch, in order. */
  history: Record<string, number>[]
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

  const { epochs, batchSize } = training
  const steps = Math.ceil(train.n / batchSize)
  const phase = o.phase ?? 'train'
  const order = Int32Array.from({ length: train.n }, (_, i) => i)
  const shuffleRng = createRng(deriveSeed(o.seed, 'shuffle'))
  const jitterRng = createRng(deriveSeed(o.seed, 'jitter'))
  // LayerVariable.read() is the tf.Variable the optimizer updates.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const optimizer = makeOptimizer(training)
  let trainSeconds = 0
  const history: Record<string, number>[] = []

  const report = epochProgress({ phase, epochs, steps, intervalMs: o.progressIntervalMs, onProgress: o.onProgress })

  let lossSum: tf.Scalar | null = null
  let correctSum: tf.Scalar | null = null
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const lr = learningRateAt(training.lrSchedule, training.learningRate, epoch, epochs)
      setLearningRate(optimizer, lr)
      shuffleInPlace(order, shuffleRng)
      lossSum = tf.scalar(0)
      correctSum = tf.scalar(0)
      const epochStart = performance.now()
      report(epoch, 0, true)
      for (let step = 0; step < steps; step++) {
        const start = step * batchSize
        const end = Math.min(train.n, start + batchSize)
        const batch = gatherBatch(train, order, start, end, inputShape, training.jitter, jitterRng)
        const [nextLoss, nextCorrect]: tf.Scalar[] = tf.tidy(() => {
          const x = tf.tensor(batch.x, [end - start, ...inputShape])
          const y = tf.tensor1d(batch.y, 'int32')
          const prepared = o.loss.prepare?.(x) ?? {}
          const held: { correct?: tf.Scalar } = {}
          const { value, grads } = tf.variableGrads(() => {
            const logits = model.apply(x, { training: true }) as tf.Tensor2D
            held.correct = tf.keep(batchSums(logits, y).correct)
            return o.loss.compute(logits, y, { x, prepared })
          }, variables)
          optimizer.applyGradients(grads)
          const correct = held.correct as tf.Scalar
          const sums = [tf.add(lossSum as tf.Scalar, tf.mul(value, end - start)), tf.add(correctSum as tf.Scalar, correct)]
          correct.dispose()
          return sums as tf.Scalar[]
        })
        lossSum.dispose()
        correctSum.dispose()
        lossSum = nextLoss
        correctSum = nextCorrect
        o.onStepEnd?.(epoch + 1, step + 1)
        // Let IPC (progress, heartbeats) out about ten times a second.
        if (report(epoch, step + 1)) await yieldToEventLoop()
      }
      const [l, c] = await Promise.all([lossSum.data(), correctSum.data()])
      lossSum.dispose()
      correctSum.dispose()
      lossSum = correctSum = null
      const epochSeconds = (performance.now() - epochStart) / 1000
      trainSeconds += epochSeconds
      const trainLoss = l[0] / train.n
      if (!Number.isFinite(trainLoss) && training.stopOnNaN) throw new Error(`diverged at epoch ${epoch + 1}`)
      const metrics: Record<string, number> = {
        'train.loss': trainLoss,
        'train.accuracy': c[0] / train.n,
      }
      if (validation) {
        const v = await evaluate(model, validation.x, validation.y, { inputShape })
        metrics['val.loss'] = v.loss
        metrics['val.accuracy'] = v.accuracy
      }
      if (o.test) {
        const t = await evaluate(model, o.test.x, o.test.y, { inputShape })
        metrics['test.loss'] = t.loss
        metrics['test.accuracy'] = t.accuracy
      }
      metrics.lr = lr
      metrics['epoch.seconds'] = epochSeconds
      history.push(metrics)
      report(epoch, steps, true)
      await o.onEpochEnd?.(epoch + 1, metrics)
      // Let the worker handle messages, timers and a closed IPC channel at least once per epoch,
      // even when epochs are shorter than the progress interval (a dead lab is noticed at once).
      await yieldToEventLoop()
    }
    return { epochs, seconds: trainSeconds, history }
  } finally {
    lossSum?.dispose()
    correctSum?.dispose()
    optimizer.dispose()
  }
}
