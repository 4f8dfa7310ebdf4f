/**
 * Random importance — the control criterion of Molchanov et al. 2017 and Li et al. 2017. Scores
 * are uniform in [0, 1), drawn from the engine's seeded RNG per layer, so a seed reproduces them.
 */
import { createRng, deriveSeed } from '../../random/seeded-rng'
import { contextStructure, layersToScore } from './context'
import type { ImportanceContext, ImportanceScorer, ImportanceScores } from './types'

/** Seeded random scores (seed from ctx.seed, default 0). */
export function randomImportance(): ImportanceScorer {
  return {
    name: 'random',
    needsData: false,
    async score(ctx: ImportanceContext): Promise<ImportanceScores> {
      const scores: ImportanceScores = new Map()
      for (const layer of layersToScore(ctx, contextStructure(ctx))) {
        // One stream per layer: a layer's scores do not depend on which other layers are scored.
        const rng = createRng(deriveSeed(ctx.seed ?? 0, `importance/random/${layer.name}`))
        scores.set(
          layer.name,
          Float32Array.from({ length: layer.units }, () => rng.next()),
        )
      }
      return scores
    },
  }
}
