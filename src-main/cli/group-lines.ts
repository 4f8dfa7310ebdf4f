/** How `complab runs show` lists a pruning run's dependency groups (issue 16 item 8). */
import type { PruneGroupReport } from '../../src-shared/contract/groups'

const ROLE_ORDER = ['producer', 'depthwise', 'batch-norm', 'coupling', 'consumer'] as const

/** One line per group: name, channels before → after, score, and its members by role. */
export function groupLines(groups: readonly PruneGroupReport[]): string[] {
  if (groups.length === 0) return []
  const width = Math.max(...groups.map((g) => g.name.length))
  const lines = ['', 'groups (channels removed together from every member):']
  for (const g of groups) {
    const members = ROLE_ORDER.flatMap((role) => {
      const names = g.members.filter((m) => m.role === role).map((m) => m.layer)
      return names.length ? [`${role} ${names.join(', ')}`] : []
    }).join('; ')
    const score = g.score === null ? '' : `  score ${g.score.toPrecision(3)}`
    lines.push(`  ${g.name.padEnd(width)}  ${g.unitsBefore} → ${g.unitsAfter} channels${score}  [${members}]`)
  }
  return lines
}
