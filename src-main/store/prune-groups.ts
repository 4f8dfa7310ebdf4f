/** The per-group report of pruning runs (`prune_groups`, migration 0003): stored once per run, listed in order. */
import type Database from 'better-sqlite3'
import type { PruneGroupMember, PruneGroupReport } from '../../src-shared/contract/groups'

export interface PruneGroupsRepo {
  /** Replaces the run's group report. */
  setGroups(runId: number, groups: readonly PruneGroupReport[]): void
  groups(runId: number): PruneGroupReport[]
}

interface GroupRow {
  name: string
  members: string
  units_before: number
  units_after: number
  score: number | null
}

/** Prepares the statements once for this connection. */
export function pruneGroupsRepo(db: Database.Database): PruneGroupsRepo {
  const clear = db.prepare('DELETE FROM prune_groups WHERE run_id = ?')
  const add = db.prepare(
    'INSERT INTO prune_groups (run_id, position, name, members, units_before, units_after, score) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const list = db.prepare('SELECT name, members, units_before, units_after, score FROM prune_groups WHERE run_id = ? ORDER BY position')
  return {
    setGroups: db.transaction((runId: number, groups: readonly PruneGroupReport[]) => {
      clear.run(runId)
      groups.forEach((g, i) => {
        add.run(runId, i, g.name, JSON.stringify(g.members), g.unitsBefore, g.unitsAfter, Number.isFinite(g.score) ? g.score : null)
      })
    }),
    groups: (runId) =>
      (list.all(runId) as GroupRow[]).map((r) => ({
        name: r.name,
        members: JSON.parse(r.members) as PruneGroupMember[],
        unitsBefore: r.units_before,
        unitsAfter: r.units_after,
        score: r.score,
      })),
  }
}
