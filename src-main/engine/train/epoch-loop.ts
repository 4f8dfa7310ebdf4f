/**
 * The one training loop (DESIGN §4 `train`) for every task: the learning-rate schedule, a seeded
 * shuffle per epoch, mini-batch steps whose sums stay on the device (read once per epoch, never
 * per batch), an optional penalty on the gradient tape, the NaN stop, throttled progress, the
 * epoch's evaluation and the history. A task plugs in only what differs: how a batch is gathered,
 * the step's loss (and the sums it adds), and what an epoch's sums and evaluation report
 * (`trainModel` for classifiers, `trainDetector` for detectors). Every tensor of a step is
 * released in the step, so the tensor count stays flat across steps and epochs.
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainingSpec } from '../../../src-shared/spec/schema'
import type { RunProgress } from '../../../src-shared/types'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import { DEFAULT_BN_RECALIBRATION, recalibrateBatchNorm } from './bn-recalibrate'
import { learningRateAtStep } from './lr-schedule'
import { decayWeights, makeOptimizer, setLearningRate } from './optimizer'
import { throwIfWebGpuFailed } from '../backend/webgpu-faults'
import { epochProgress, yieldToEventLoop } from './progress-throttle'

/** The settings the loop reads (a subset of the experiment's TrainingSpec). */
export type LoopTraining = Pick<TrainingSpec, 'epochs' | 'batchSize' | 'optimizer' | 'learningRate' | 'momentum' | 'lrSchedule'> &
  Partial<Pick<TrainingSpec, 'nesterov' | 'warmupEpochs' | 'weightDecay' | 'bnRecalibration'>> & {
  /** Stop with an error when the epoch's loss is NaN/Infinity (default true). */
  stopOnNaN?: boolean
}

/** What a task supplies: a batch → a step loss → epoch metrics. */
export interface BatchStep<B, P> {
  /** Examples an epoch goes through; the order is a seeded shuffle of 0..count−1. */
  count: number
  /** The examples order[start..end) as a batch, on the CPU (augmentation draws happen here). */
  gather(order: Int32Array, start: number, end: number): B
  /** Examples in a batch. */
  size(batch: B): number
  /** Inside the step's tidy, before the gradient tape (inputs, a teacher's outputs). */
  prepare(batch: B): P
  /**
   * On the tape: the batch-mean objective, and further sums of the batch to accumulate over the
   * epoch (e.g. correct predictions, or loss terms × batch size).
   */
  loss(batch: B, prepared: P): { objective: tf.Scalar; sums: tf.Tensor1D }
  /** The epoch's metrics from the accumulated `sums` (without the objective) over `count`. */
  metrics(sums: Float32Array, count: number): Record<string, number>
  /**
   * The model inputs of examples start..end−1 (in index order, without augmentation): when given,
   * batch-norm statistics are recomputed from the first `bnRecalibration` examples after each
   * epoch, before its evaluation (bn-recalibrate.ts).
   */
  inputs?(start: number, end: number): tf.Tensor
  /** After each epoch: evaluation metrics (validation, test); `last` is the final epoch. */
  evaluate?(epoch: number, last: boolean): Promise<Record<string, number>>
}

export interface EpochLoopOptions {
  model: tf.LayersModel
  training: LoopTraining
  /** Shuffling (and the task's augmentation) derive from this seed. */
  seed: number
  /**
   * A term added to the objective at every step, read from the model's variables on the tape
   * (the L1 term of Singh et al., the |γ| term of network slimming). The reported `train.loss`
   * is the objective minimised, the penalty included.
   */
  penalty?: () => tf.Scalar
  /** Progress phase name, e.g. `train` or `distill`. */
  phase: string
  onProgress?(p: RunProgress): void
  /** After each epoch (1-based) with its metrics; awaited. */
  onEpochEnd?(epoch: number, metrics: Record<string, number>): void | Promise<void>
  /**
   * After every optimisation step (unthrottled; masks, tests and benchmarks); awaited, so it may
   * read tensors asynchronously (the only reads the webgpu backend allows under Node).
   */
  onStepEnd?(epoch: number, step: number): void | Promise<void>
  progressIntervalMs?: number
}

export interface TrainResult {
  epochs: number
  /** Wall time of the training steps (evaluation excluded). */
  seconds: number
  /** Metrics of each epoch, in order. */
  history: Record<string, number>[]
}

/** Trains `model` in place, one epoch after another, with the task's batches and loss. */
export async function runEpochs<B, P>(o: EpochLoopOptions, step: BatchStep<B, P>): Promise<TrainResult> {
  const { model, training } = o
  const { epochs, batchSize } = training
  const count = step.count
  const steps = Math.ceil(count / batchSize)
  const order = Int32Array.from({ length: count }, (_, i) => i)
  const shuffleRng = createRng(deriveSeed(o.seed, 'shuffle'))
  // LayerVariable.read() is the tf.Variable the optimizer updates.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const optimizer = makeOptimizer(training)
  const history: Record<string, number>[] = []
  let trainSeconds = 0
  const report = epochProgress({ phase: o.phase, epochs, steps, intervalMs: o.progressIntervalMs, onProgress: o.onProgress })

  // [objective × batch size, the task's sums…] summed over the epoch, on the device.
  let sums: tf.Tensor1D | null = null
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const warming = epoch < (training.warmupEpochs ?? 0)
      // The rate changes at every step during warm-up and under the cosine schedule, by epoch otherwise.
      const perStep = warming || training.lrSchedule === 'cosine'
      let lr = learningRateAtStep(training, epoch, epochs, 0, steps)
      setLearningRate(optimizer, lr)
      const firstLr = lr
      shuffleInPlace(order, shuffleRng)
      sums = null
      const epochStart = performance.now()
      report(epoch, 0, true)
      for (let s = 0; s < steps; s++) {
        const start = s * batchSize
        const batch = step.gather(order, start, Math.min(count, start + batchSize))
        if (perStep && s > 0) {
          lr = learningRateAtStep(training, epoch, epochs, s, steps)
          setLearningRate(optimizer, lr)
        }
        const previous: tf.Tensor1D | null = sums
        const next: tf.Tensor1D = tf.tidy(() => {
          const prepared = step.prepare(batch)
          const held: { sums?: tf.Tensor1D } = {}
          const { value, grads } = tf.variableGrads(() => {
            const { objective, sums: batchSums } = step.loss(batch, prepared)
            held.sums = tf.keep(batchSums)
            return o.penalty ? (tf.add(objective, o.penalty()) as tf.Scalar) : objective
          }, variables)
          decayWeights(variables, lr, training.weightDecay ?? 0)
          optimizer.applyGradients(grads)
          const batchSums = held.sums as tf.Tensor1D
          const all = tf.concat([tf.reshape(tf.mul(value, step.size(batch)), [1]), batchSums]) as tf.Tensor1D
          batchSums.dispose()
          return previous ? (tf.add(previous, all) as tf.Tensor1D) : all
        })
        previous?.dispose()
        sums = next
        await o.onStepEnd?.(epoch + 1, s + 1)
        // Let IPC (progress, heartbeats) out about ten times a second.
        if (report(epoch, s + 1)) await yieldToEventLoop()
      }
      const read = sums ? await sums.data() : new Float32Array(1)
      // A lost or failing GPU device ends the run here rather than training on what it returns.
      throwIfWebGpuFailed()
      sums?.dispose()
      sums = null
      const epochSeconds = (performance.now() - epochStart) / 1000
      trainSeconds += epochSeconds
      const trainLoss = read[0] / count
      if (!Number.isFinite(trainLoss) && training.stopOnNaN !== false) throw new Error(`diverged at epoch ${epoch + 1}`)
      if (step.inputs) await recalibrateBatchNorm(model, step.inputs, Math.min(count, training.bnRecalibration ?? DEFAULT_BN_RECALIBRATION), batchSize)
      const metrics: Record<string, number> = {
        'train.loss': trainLoss,
        ...step.metrics(Float32Array.from(read.subarray(1)), count),
        ...(step.evaluate ? await step.evaluate(epoch + 1, epoch === epochs - 1) : {}),
      }
      // The epoch's rate: where it changes by step, the last warm-up step's, or the first annealing step's.
      metrics.lr = warming ? lr : firstLr
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
    sums?.dispose()
    optimizer.dispose()
  }
}
