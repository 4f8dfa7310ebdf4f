/**
 * Weight L2 norm per filter — the L2 variant of Li et al., ICLR 2017 (§3.1 compares it with L1):
 * s_j = sqrt(Σ K_{i,j}²) over the filter's kernel weights (bias excluded).
 */
import * as tf from '@tensorflow/tfjs'
import { contextStructure, layersToScore, unitKernelMatrix } from './context'
import type { ImportanceContext, ImportanceScorer, ImportanceScores } from './types'

/** Li et al. 2017 filter L2 norm scorer. */
export function l2NormImportance(): ImportanceScorer {
  return {
    name: 'l2',
    needsData: false,
    async score(ctx: ImportanceContext): Promise<ImportanceScores> {
      const scores: ImportanceScores = new Map()
      for (const layer of layersToScore(ctx, contextStructure(ctx))) {
        const norms = tf.tidy(() =>
          tf.sqrt(tf.sum(tf.square(unitKernelMatrix(ctx.model, layer)), 0)),
        )
        scores.set(layer.name, (await norms.data()) as Float32Array)
        norms.dispose()
      }
      return scores
    },
  }
}
