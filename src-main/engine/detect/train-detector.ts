/**
 * Training a detector with the one training loop (`train/epoch-loop.ts`): the YOLO loss, or with a
 * teacher the Mehta–Ozturk distillation loss, over labelled images and optionally unlabelled ones
 * (teacher terms only). A step gathers a batch of labelled and unlabelled images (optional
 * left–right flips) with its YOLO targets; the teacher runs outside the gradient tape; the loss
 * terms are summed on the device; VOC mAP on the test split every `evaluateEvery` epochs and after
 * the last.
 */
import * as tf from '@tensorflow/tfjs'
import type { RunProgress } from '../../../src-shared/types'
import { createRng, deriveSeed } from '../random/seeded-rng'
import { runEpochs, type LoopTraining, type TrainResult } from '../train/epoch-loop'
import { gatherDetectionBatch, type DetectionBatch } from './detection-batch'
import type { DetectionSplit, ImageSplit } from './detection-dataset'
import { evaluateDetector, type DetectorEvaluation } from './evaluate-detector'
import { mehtaOzturkLoss, teacherTargets, type DetectorDistillOptions } from './mehta-ozturk-loss'
import { targetTensors, yoloLoss, type DetectionLoss, type YoloLossOptions } from './yolo-loss'
import { splitOutput } from './yolo-output'
import { buildTargets, type YoloTargets } from './yolo-targets'
import type { YoloHead } from './yolo-head'

/** Training settings (a subset of the experiment's TrainingSpec) plus detector augmentation. */
export type DetectorTraining = LoopTraining & {
  /** Random left–right flips of training images (default false). */
  flip?: boolean
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
   * (e.g. the L1 sparsity term of Singh et al.'s pruning); in `train.loss`, not in its terms.
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
  /** After every optimisation step (unthrottled; tests); awaited. */
  onStepEnd?(epoch: number, step: number): void | Promise<void>
  progressIntervalMs?: number
}

export interface TrainDetectorResult extends TrainResult {
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
  const flipRng = training.flip ? createRng(deriveSeed(o.seed, 'flip')) : null
  let dropped = 0
  let evaluation: DetectorEvaluation | null = null
  const every = o.evaluateEvery ?? 1
  const test = o.test

  const lossOf = (raw: tf.Tensor, batch: DetectionBatch, gt: YoloTargets, teacherRaw: tf.Tensor | null): DetectionLoss => {
    const pred = splitOutput(raw, head)
    const labelledCount = batch.labelled.reduce((s, v) => s + v, 0)
    const targets = labelledCount > 0 ? targetTensors(gt, head) : null
    if (!teacherRaw) return yoloLoss(pred, targets as NonNullable<typeof targets>, o.loss)
    const teacher = teacherTargets(teacherRaw, head, o.teacher?.options)
    const truth = targets ? { targets, labelled: tf.tensor1d(batch.labelled) } : null
    return mehtaOzturkLoss(pred, teacher, truth, o.loss, o.teacher?.options)
  }

  const result = await runEpochs(
    { ...o, phase: o.phase ?? (o.teacher ? 'distill' : 'train') },
    {
      count: total,
      gather: (order, start, end) => {
        const batch = gatherDetectionBatch(train, unlabelled, order, start, end, inputShape, flipRng)
        const gt = buildTargets(batch.objects, head)
        dropped += gt.dropped
        return { batch, gt }
      },
      size: ({ batch }) => batch.n,
      prepare: ({ batch }) => {
        const x = tf.tensor4d(batch.x, [batch.n, inputShape[0], inputShape[1], inputShape[2]])
        // The teacher runs outside the gradient tape.
        return { x, teacherRaw: o.teacher ? (o.teacher.model.predict(x) as tf.Tensor) : null }
      },
      loss: ({ batch, gt }, { x, teacherRaw }) => {
        const loss = lossOf(model.apply(x, { training: true }) as tf.Tensor, batch, gt, teacherRaw)
        return { objective: loss.total, sums: tf.mul(tf.stack([loss.obj, loss.cls, loss.box]), batch.n) as tf.Tensor1D }
      },
      metrics: (s, n) => ({ 'train.loss.obj': s[0] / n, 'train.loss.cls': s[1] / n, 'train.loss.box': s[2] / n }),
      evaluate: async (epoch, last) => {
        if (!test || !(last || (every > 0 && epoch % every === 0))) return {}
        evaluation = await evaluateDetector(model, test, inputShape, head)
        return evaluationMetrics(evaluation, 'test', o.classNames)
      },
    },
  )
  return { ...result, evaluation, droppedObjects: dropped }
}
