/**
 * A removal plan that leaves every layer making a group's channels at least one of them. A group
 * coupled through a Concatenate has producers that each make only part of its units — in a
 * Keras-style net, a strided conv's 24 channels beside a max-pooled copy of the residual stream's
 * 16, summed with a block's output — and a selection that keeps `minUnits` of the group may still
 * take all of one producer's: surgery would then build a convolution with no filters ("expected
 * config.filters to be a 'number' > 0 but got 0"). The highest-scoring unit of each such layer is
 * kept back instead.
 */
import type { PruneStructure } from './group-types'
import type { ImportanceScores } from './importance/types'
import type { RemovalPlan } from './surgery'

/** `plan` less, for every owner it would empty, that owner's highest-scoring unit. */
export function keepEveryOwner(plan: RemovalPlan, structure: PruneStructure, scores: ImportanceScores): RemovalPlan {
  const out: RemovalPlan = {}
  for (const [name, units] of Object.entries(plan)) {
    const group = structure.prunable.find((g) => g.name === name)
    if (group === undefined) {
      out[name] = units
      continue
    }
    const removed = new Set(units)
    const score = scores.get(name)
    for (const owner of group.owners) {
      const carried = owner.positions.flatMap((p, k) => (p.length > 0 ? [k] : []))
      const lost = carried.filter((k) => removed.has(k)).reduce((a, k) => a + owner.positions[k].length, 0)
      if (carried.length === 0 || lost < owner.units) continue
      const best = carried.reduce((a, k) => ((score?.[k] ?? 0) > (score?.[a] ?? 0) ? k : a), carried[0])
      removed.delete(best)
    }
    out[name] = units.filter((k) => removed.has(k))
  }
  return out
}
