/**
 * One interface for what a run does that depends on its task (DESIGN §4 `tasks`): the data, the
 * parent model, training with the task's loss (or from a teacher, with an optional penalty),
 * evaluation to the task's metric, the batches and loss the importance criteria score with, and
 * the end of a run (saved model, results). Every method (`methods/`) is written once against it;
 * `classification.ts` and `detection.ts` implement it.
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunConfig } from '../../../src-shared/spec/expand'
import type { TrainingSpec } from '../../../src-shared/spec/schema'
import type { RunJob, RunSink } from '../run-job'
import type { LayerStats } from '../models/layer-report'
import type { LossFunction } from '../prune/importance/types'
import type { TrainResult } from '../train/epoch-loop'
import type { TaskKind } from './method-tasks'

export type { TaskKind } from './method-tasks'

/** The sink, with the optional per-layer report the worker forwards. */
export type SinkWithLayers = RunSink & { layers?(phase: 'before' | 'after', layers: LayerStats[]): void }

/** What a task is made for: one run. */
export interface TaskRun {
  job: RunJob
  config: RunConfig
  sink: SinkWithLayers
}


/** A split of the task's data (examples with labels, or images with boxes); the task reads inside. */
export interface TaskSplit {
  readonly n: number
}

/** A model evaluated on a split. */
export interface TaskEvaluation {
  /** The task's metric (accuracy, mAP) in [0, 1]. */
  metric: number
  /** The evaluation as results under a prefix: `test.accuracy`, `test.loss`, … or `test.mAP`, `test.ap.<class>`, …. */
  results(prefix: string): Record<string, number>
  /** For logs: `25 test errors (accuracy 97.50 %)`, `test mAP 41.20 (11-point 40.90)`. */
  text: string
}

/** A distillation teacher (Hinton's loss with T and α on classifiers, Mehta–Ozturk's on detectors). */
export interface TaskTeacher {
  model: tf.LayersModel
  temperature?: number
  alpha?: number
}

/** One training phase of a run. */
export interface TaskTraining<S extends TaskSplit = TaskSplit> {
  model: tf.LayersModel
  /** The examples to train on; the run's training split when left out. */
  split?: S
  /** Overrides of the run's training settings (epochs, …). */
  training?: Partial<TrainingSpec>
  /** Progress phase, e.g. `train`, `finetune`, `sparsity 1/3`. */
  phase: string
  /** Prefix and step offset of the per-epoch metrics streamed to the sink. */
  metricPrefix?: string
  stepOffset?: number
  /** Learn from a teacher's outputs instead of (or besides) the labels. */
  teacher?: TaskTeacher
  /** Added to the objective on the gradient tape (a sparsity term). */
  penalty?: () => tf.Scalar
  /** After every optimisation step (re-applying masks); awaited. */
  onStepEnd?(): void | Promise<void>
  /** Shuffling and augmentation seed; the run's seed when left out. */
  seed?: number
  /** No progress, no per-epoch metrics, no evaluation (minibatch updates between pruning steps). */
  quiet?: boolean
}

/** What a run does that depends on its task. */
export interface RunTask<S extends TaskSplit = TaskSplit> {
  readonly kind: TaskKind
  /** The metric's name in result keys: `accuracy` or `mAP` (`test.<metric>`, `<metric>.change`). */
  readonly metric: string
  /** What one example is called in messages: `example`, `image`. */
  readonly unit: string
  readonly trainSplit: S
  readonly testSplit: S
  /** Training examples the importance criteria score each step on ("a few minibatches"). */
  readonly scoringExamples: number
  /** The run's model as messages name it, e.g. `lenet5 (filters [6, 16], dense [120, 84])`. */
  modelText(): string
  /** A new model as the run's spec describes it (seeded by the run). */
  buildModel(): tf.LayersModel
  /** The unpruned parent (`job.parentModelPath`), checked against the data; refused when it does not fit. */
  loadParent(): Promise<tf.LayersModel>
  /** A hint for a pruned layer without BatchNormalization (how to give the model one). */
  readonly batchNormHint: string
  train(o: TaskTraining<S>): Promise<TrainResult>
  /** What distillation from `teacher` minimises, for the run's log (the loss and its settings). */
  distillText(teacher: TaskTeacher): string
  /** The model on a split (the test split when left out), in inference mode. */
  evaluate(model: tf.LayersModel, split?: S): Promise<TaskEvaluation>
  /** The examples at `indices` of a split, as a split of their own. */
  subset(split: S, indices: ArrayLike<number>): S
  /** The training split divided (seeded by `purpose`) into a training and a validation part. */
  holdOut(fraction: number, purpose: string): { train: S; validation: S }
  /** The examples at `indices` of the training split as one batch for the importance criteria. */
  scoringBatch(indices: Int32Array): { xs: tf.Tensor; ys: tf.Tensor }
  /** The loss the Taylor criterion differentiates (batch mean; `ys` as `scoringBatch` makes them). */
  readonly scoringLoss: LossFunction
  /** The first `n` test examples as one input batch (latency timing; caller disposes). */
  inputBatch(n: number): tf.Tensor
  /**
   * The end of a run: evaluate on the test split, save the model as the run's `model` artifact
   * (and the task's extras: preview images), report `results` with the evaluation, the size and
   * the training. Returns the test evaluation.
   */
  finish(
    model: tf.LayersModel,
    o: {
      trained: TrainResult | null
      results?: Record<string, number>
      /** The model evaluated when it computes otherwise than the saved one (fake-quantized activations). */
      evaluated?: tf.LayersModel
    },
  ): Promise<TaskEvaluation>
}
