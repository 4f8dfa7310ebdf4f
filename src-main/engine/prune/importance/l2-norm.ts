/**
 * Weight L2 norm per filter — the L2 variant of Li et al., ICLR 2017 (§3.1 compares it with L1):
 * s_j = sqrt(Σ K_{i,j}²) over the filter's kernel weights (bias excluded).
 */
import * as tf from '@tensorflow/tfjs'
import { unitKernelMatrix, weightScorer } from './context'
import type { ImportanceScorer } from './types'

/** Li et al. 2017 filter L2 norm scorer. */
export function l2NormImportance(): ImportanceScorer {
  return weightScorer('l2', (ctx, layer) => tf.tidy(() => tf.sqrt(tf.sum(tf.square(unitKernelMatrix(ctx.model, layer)), 0)) as tf.Tensor1D))
}
