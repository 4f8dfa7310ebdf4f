/**
 * Group importance (DepGraph, Fang et al. CVPR 2023, §3.3; METHODS G1): a criterion scores each
 * layer that owns a group's channels (its Dense/Conv2D layers and depthwise convolutions); each
 * layer's scores are normalised within the layer (L2, Molchanov 2017 eq. (8)), so layers of
 * different scale count alike; unit k of the group then scores the aggregate over its owners of
 * the normalised scores at the positions carrying unit k — the sum by default (Torch-Pruning's
 * default), the mean or the max (`groupReduction`).
 */
import { l2NormalizeScores } from './importance/normalize'
import type { ImportanceContext, ImportanceScorer, ImportanceScores } from './importance/types'
import { analyzeStructure, prunableLayer, type PruneGroup, type PruneStructure } from './structure'

/** How a group's unit score aggregates its owners' scores. */
export type GroupReduction = 'sum' | 'mean' | 'max'

/** Options of the group scores. */
export interface GroupScoreOptions {
  reduction?: GroupReduction
  /** Normalise each layer's scores (L2) before aggregating (default true; slimming ranks raw |γ|). */
  normalize?: boolean
}

/** Unit scores of each group from the scores of its owner layers. */
export function groupScores(groups: readonly PruneGroup[], layerScores: ImportanceScores, options: GroupScoreOptions = {}): ImportanceScores {
  const reduction = options.reduction ?? 'sum'
  const out: ImportanceScores = new Map()
  for (const g of groups) {
    const perOwner: Float32Array[] = []
    for (const owner of g.owners) {
      const raw = layerScores.get(owner.name)
      if (raw === undefined) continue
      const s = options.normalize === false ? raw : l2NormalizeScores(raw)
      perOwner.push(Float32Array.from(owner.positions, (ps) => ps.reduce((a, p) => a + s[p], 0)))
    }
    if (perOwner.length === 0) throw new Error(`no layer of group '${g.name}' was scored`)
    const unit = new Float32Array(g.units)
    for (let k = 0; k < g.units; k++) {
      const values = perOwner.map((s) => s[k])
      unit[k] =
        reduction === 'max'
          ? Math.max(...values)
          : values.reduce((a, b) => a + b, 0) / (reduction === 'mean' ? values.length : 1)
    }
    out.set(g.name, unit)
  }
  return out
}

/**
 * Scores the groups `ctx.layers` names (all by default) with `scorer`: its layer scores aggregated
 * per group. A scorer that normalises itself (Taylor) is not normalised again.
 */
export async function scoreGroups(scorer: ImportanceScorer, ctx: ImportanceContext, options: GroupScoreOptions = {}): Promise<ImportanceScores> {
  const structure: PruneStructure = ctx.structure ?? analyzeStructure(ctx.model)
  const groups = ctx.layers === undefined ? structure.prunable : ctx.layers.map((name) => prunableLayer(structure, name))
  const layerScores = await scorer.score({ ...ctx, structure, layers: groups.map((g) => g.name) })
  const normalize = (options.normalize ?? true) && scorer.normalized !== true
  return groupScores(groups, layerScores, { ...options, normalize })
}
