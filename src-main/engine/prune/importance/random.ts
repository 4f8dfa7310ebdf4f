/**
 * Random importance — the control criterion of Molchanov et al. 2017 and Li et al. 2017. Scores
 * are uniform in [0, 1), drawn from the engine's seeded RNG per layer, so a seed reproduces them.
 */
import { createRng, deriveSeed } from '../../random/seeded-rng'
import { weightScorer } from './context'
import type { ImportanceScorer } from './types'

/** Seeded random scores (seed from ctx.seed, default 0). */
export function randomImportance(): ImportanceScorer {
  return weightScorer('random', (ctx, layer) => {
    // One stream per layer: a layer's scores do not depend on which other layers are scored.
    const rng = createRng(deriveSeed(ctx.seed ?? 0, `importance/random/${layer.name}`))
    return Float32Array.from({ length: layer.units }, () => rng.next())
  })
}
