/**
 * Weight L1 norm per filter — Li, Kadav, Durdanovic, Samet, Graf, ICLR 2017, "Pruning Filters for
 * Efficient ConvNets", §3.1: s_j = Σ |K_{i,j}| over the filter's kernel weights (bias excluded).
 * A Dense unit's "filter" is its kernel column.
 */
import * as tf from '@tensorflow/tfjs'
import { contextStructure, layersToScore, unitKernelMatrix } from './context'
import type { ImportanceContext, ImportanceScorer, ImportanceScores } from './types'

/** Li et al. 2017 filter L1 norm scorer. */
export function l1NormImportance(): ImportanceScorer {
  return {
    name: 'l1',
    needsData: false,
    async score(ctx: ImportanceContext): Promise<ImportanceScores> {
      const scores: ImportanceScores = new Map()
      for (const layer of layersToScore(ctx, contextStructure(ctx))) {
        const norms = tf.tidy(() => tf.sum(tf.abs(unitKernelMatrix(ctx.model, layer)), 0))
        scores.set(layer.name, (await norms.data()) as Float32Array)
        norms.dispose()
      }
      return scores
    },
  }
}
