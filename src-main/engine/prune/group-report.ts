/**
 * The per-group report of a pruning run (issue 16 item 8): each dependency group of the parent
 * with its members, its units before and after (groups keep their names — their first layer making
 * channels — through surgery) and its score at the last ranking.
 */
import type { PruneGroupReport } from '../../../src-shared/contract/groups'
import type { PruneStructure } from './structure'

/** The parent's groups with the pruned model's widths; `scores`: each group's mean unit score, when ranked. */
export function groupReport(parent: PruneStructure, pruned: PruneStructure, scores?: ReadonlyMap<string, number>): PruneGroupReport[] {
  const after = new Map(pruned.prunable.map((g) => [g.name, g.units]))
  return parent.prunable.map((g) => ({
    name: g.name,
    members: g.members.map((m) => ({ layer: m.layer, kind: m.className, role: m.role })),
    unitsBefore: g.units,
    unitsAfter: after.get(g.name) ?? g.units,
    score: scores?.get(g.name) ?? null,
  }))
}
