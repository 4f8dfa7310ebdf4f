/**
 * The detector training loop (DESIGN §4 `detect`): the YOLO loss, or with a teacher the
 * Mehta–Ozturk distillation loss, over labelled images and optionally unlabelled ones (teacher
 * terms only). Per epoch: seeded shuffle of labelled and unlabelled images together, optional
 * left–right flips, mini-batch steps whose loss terms are summed on the device and read once per
 * epoch, then (every `evaluateEvery` epochs and at the end) VOC mAP on the test split. The
 * teacher runs outside the gradient tape. Every tensor of a step is released in the step, so the
 * tensor count stays flat. The classification loop `trainModel` is left as it is (its API takes
 * logits and class labels); the optimizer and LR schedules are shared with it.
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainingSpec } from '../../../src-shared/spec/schema'
import type { RunProgress } from '../../../src-shared/types'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import { learningRateAt } from '../train/lr-schedule'
import { makeOptimizer, setLearningRate } from '../train/optimizer'
import { epochProgress, yieldToEventLoop } from '../train/progress-throttle'
import { gatherDetectionBatch, type DetectionBatch } from './detection-batch'
import type { DetectionSplit, ImageSplit } from './detection-dataset'
import { evaluateDetector, type DetectorEvaluation } from './evaluate-detector'
import { mehtaOzturkLoss, teacherTargets, type DetectorDistillOptions } from './mehta-ozturk-loss'
import { targetTensors, yoloLoss, type DetectionLoss, type YoloLossOptions } from './yolo-loss'
import { splitOutput } from './yolo-output'
import { buildTargets, type YoloTargets } from './yolo-targets'
import type { YoloHead } from './yolo-head'

/** Training settings (a subset of the experiment's TrainingSpec) plus detector augmentation. */
export type DetectorTraining = Pick<TrainingSpec, 'epochs' | 'batchSize' | 'optimizer' | 'learningRate' | 'momentum' | 'lrSchedule'> & {
  /** Random left–right flips of training images (default false). */
  flip?: boolean
  /** Stop with an error when the loss becomes NaN/Infinity (default true). */
  stopOnNaN?: boolean
}

export interface TrainDetectorOptions {
  model: tf.LayersModel
  head: YoloHead
  inputShape: readonly number[]
  train: DetectionSplit
  /** Images without boxes; need a teacher (they contribute teacher terms only). */
  unlabelled?: ImageSplit
  test?: DetectionSplit
  /** Evaluate mAP on `test` every this many epochs (and after the last); 0: only after the last. */
  evaluateEvery?: number
  training: DetectorTraining
  seed: number
  loss?: YoloLossOptions
  /**
   * A term added to the loss at every step, read from the model's variables on the gradient tape
   * (e.g. the L1 sparsity term of Singh et al.'s pruning); not part of the reported loss terms.
   */
  penalty?: () => tf.Scalar
  /** Distil from a teacher with the Mehta–Ozturk loss. */
  teacher?: { model: tf.LayersModel; options?: DetectorDistillOptions }
  /** Metric names for per-class AP (`test.ap.<name>`); class indices when left out. */
  classNames?: string[]
  phase?: string
  onProgress?(p: RunProgress): void
  /** After each epoch (1-based) with its metrics; awaited. */
  onEpochEnd?(epoch: number, metrics: Record<string, number>): void | Promise<void>
  /** After every optimisation step (unthrottled; tests). */
  onStepEnd?(epoch: number, step: number): void
  progressIntervalMs?: number
}

export interface TrainDetectorResult {
  epochs: number
  seconds: number
  history: Record<string, number>[]
  /** The last test evaluation, when a test split was given. */
  evaluation: DetectorEvaluation | null
  /** Objects left out of the targets for want of a free anchor (all epochs). */
  droppedObjects: number
}


/** Per-class AP and mAP as metrics (`test.mAP`, `test.mAP11`, `test.ap.<class>`). */
export function evaluationMetrics(e: DetectorEvaluation, prefix: string, classNames?: string[]): Record<string, number> {
  const m: Record<string, number> = { [`${prefix}.mAP`]: e.mAP, [`${prefix}.mAP11`]: e.mAP11 }
  e.ap.forEach((ap, c) => {
    if (ap !== null) m[`${prefix}.ap.${classNames?.[c] ?? c}`] = ap
  })
  return m
}

/** Trains a detector in place; returns the per-epoch metrics and the last evaluation. */
export async function trainDetector(o: TrainDetectorOptions): Promise<TrainDetectorResult> {
  const { model, head, inputShape, training, train } = o
  const unlabelled = o.unlabelled && o.unlabelled.n > 0 ? o.unlabelled : null
  if (unlabelled && !o.teacher) throw new Error('unlabelled images need a teacher (they only carry teacher terms)')
  const total = train.n + (unlabelled?.n ?? 0)
  if (total === 0) throw new Error('the training split is empty')
  const { epochs, batchSize } = training
  const steps = Math.ceil(total / batchSize)
  const phase = o.phase ?? (o.teacher ? 'distill' : 'train')
  const order = Int32Array.from({ length: total }, (_, i) => i)
  const shuffleRng = createRng(deriveSeed(o.seed, 'shuffle'))
  const flipRng = training.flip ? createRng(deriveSeed(o.seed, 'flip')) : null
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const optimizer = makeOptimizer(training)
  const history: Record<string, number>[] = []
  let trainSeconds = 0
  let dropped = 0
  let evaluation: DetectorEvaluation | null = null

  const report = epochProgress({ phase, epochs, steps, intervalMs: o.progressIntervalMs, onProgress: o.onProgress })

  const lossOf = (raw: tf.Tensor, batch: DetectionBatch, gt: YoloTargets, teacherRaw: tf.Tensor | null): DetectionLoss => {
    const pred = splitOutput(raw, head)
    const labelledCount = batch.labelled.reduce((s, v) => s + v, 0)
    const targets = labelledCount > 0 ? targetTensors(gt, head) : null
    if (!teacherRaw) return yoloLoss(pred, targets as NonNullable<typeof targets>, o.loss)
    const teacher = teacherTargets(teacherRaw, head, o.teacher?.options)
    const truth = targets ? { targets, labelled: tf.tensor1d(batch.labelled) } : null
    return mehtaOzturkLoss(pred, teacher, truth, o.loss, o.teacher?.options)
  }

  // Sums over the epoch of [total, obj, cls, box] × batch size, kept on the device.
  let sums: tf.Tensor1D | null = null
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const lr = learningRateAt(training.lrSchedule, training.learningRate, epoch, epochs)
      setLearningRate(optimizer, lr)
      shuffleInPlace(order, shuffleRng)
      sums = tf.zeros([4]) as tf.Tensor1D
      const epochStart = performance.now()
      report(epoch, 0, true)
      for (let step = 0; step < steps; step++) {
        const start = step * batchSize
        const end = Math.min(total, start + batchSize)
        const batch = gatherDetectionBatch(train, unlabelled, order, start, end, inputShape, flipRng)
        const gt = buildTargets(batch.objects, head)
        dropped += gt.dropped
        const next: tf.Tensor1D = tf.tidy(() => {
          const x = tf.tensor4d(batch.x, [batch.n, inputShape[0], inputShape[1], inputShape[2]])
          const teacherRaw = o.teacher ? (o.teacher.model.predict(x) as tf.Tensor) : null
          const held: { parts?: tf.Tensor1D } = {}
          const { grads } = tf.variableGrads(() => {
            const loss = lossOf(model.apply(x, { training: true }) as tf.Tensor, batch, gt, teacherRaw)
            held.parts = tf.keep(tf.stack([loss.total, loss.obj, loss.cls, loss.box]) as tf.Tensor1D)
            return o.penalty ? (tf.add(loss.total, o.penalty()) as tf.Scalar) : loss.total
          }, variables)
          optimizer.applyGradients(grads)
          const parts = held.parts as tf.Tensor1D
          const updated = tf.add(sums as tf.Tensor1D, tf.mul(parts, batch.n)) as tf.Tensor1D
          parts.dispose()
          return updated
        })
        sums.dispose()
        sums = next
        o.onStepEnd?.(epoch + 1, step + 1)
        if (report(epoch, step + 1)) await yieldToEventLoop()
      }
      const s = await sums.data()
      sums.dispose()
      sums = null
      const epochSeconds = (performance.now() - epochStart) / 1000
      trainSeconds += epochSeconds
      const trainLoss = s[0] / total
      if (!Number.isFinite(trainLoss) && training.stopOnNaN !== false) throw new Error(`diverged at epoch ${epoch + 1}`)
      const metrics: Record<string, number> = {
        'train.loss': trainLoss,
        'train.loss.obj': s[1] / total,
        'train.loss.cls': s[2] / total,
        'train.loss.box': s[3] / total,
      }
      const every = o.evaluateEvery ?? 1
      if (o.test && (epoch === epochs - 1 || (every > 0 && (epoch + 1) % every === 0))) {
        evaluation = await evaluateDetector(model, o.test, inputShape, head)
        Object.assign(metrics, evaluationMetrics(evaluation, 'test', o.classNames))
      }
      metrics.lr = lr
      metrics['epoch.seconds'] = epochSeconds
      history.push(metrics)
      report(epoch, steps, true)
      await o.onEpochEnd?.(epoch + 1, metrics)
    }
    return { epochs, seconds: trainSeconds, history, evaluation, droppedObjects: dropped }
  } finally {
    sums?.dispose()
    optimizer.dispose()
  }
}
