/**
 * One interface for every importance criterion ("which units to cut"). A scorer returns, for each
 * prunable layer it scores, one value per unit: higher = more important, so selection removes the
 * lowest.
 */
import type * as tf from '@tensorflow/tfjs'
import type { PruneStructure } from '../structure'

/** One batch of examples: inputs and targets. */
export interface Batch {
  xs: tf.Tensor
  ys: tf.Tensor
}

/**
 * Yields the batches to score on. The tensors belong to the provider: scorers read them and never
 * dispose them.
 */
export type BatchProvider = () => AsyncIterable<Batch> | Iterable<Batch>

/** Loss of a batch: the MEAN over the batch of the per-example costs, as tf.losses reduce it. */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar

/** What a scorer gets. */
export interface ImportanceContext {
  model: tf.LayersModel
  /** The model's structure; analysed from `model` when absent. */
  structure?: PruneStructure
  /** Names of the groups whose layers to score; every group when absent. */
  layers?: string[]
  /** Data, for criteria that need activations or gradients. */
  data?: BatchProvider
  loss?: LossFunction
  seed?: number
}

/** Unit scores by layer (a scorer's) or by group (`scoreGroups`), higher = more important. */
export type ImportanceScores = Map<string, Float32Array>

/** An importance criterion. */
export interface ImportanceScorer {
  /** Registry name, e.g. `taylor`. */
  readonly name: string
  /** Whether `score` needs `ctx.data` (and, for gradients, `ctx.loss`). */
  readonly needsData: boolean
  /** Its scores are already normalised per layer (group scores do not normalise them again). */
  readonly normalized?: boolean
  score(ctx: ImportanceContext): Promise<ImportanceScores>
}
