/**
 * Weight L1 norm per filter — Li, Kadav, Durdanovic, Samet, Graf, ICLR 2017, "Pruning Filters for
 * Efficient ConvNets", §3.1: s_j = Σ |K_{i,j}| over the filter's kernel weights (bias excluded).
 * A Dense unit's "filter" is its kernel column.
 */
import * as tf from '@tensorflow/tfjs'
import { unitKernelMatrix, weightScorer } from './context'
import type { ImportanceScorer } from './types'

/** Li et al. 2017 filter L1 norm scorer. */
export function l1NormImportance(): ImportanceScorer {
  return weightScorer('l1', (ctx, layer) => tf.tidy(() => tf.sum(tf.abs(unitKernelMatrix(ctx.model, layer)), 0) as tf.Tensor1D))
}
