/** The experiments repository: one row per launch, with the spec as it was validated. */
import type Database from 'better-sqlite3'
import type { ExperimentSummary, RunStatus } from '../../src-shared/types'

export interface ExperimentRecord {
  id: number
  name: string
  description: string | null
  spec: unknown
  createdAt: string
}

interface ExperimentRow {
  id: number
  name: string
  description: string | null
  spec: string
  created_at: string
}

export interface ExperimentsRepo {
  insert(e: {
    name: string
    description?: string | null
    spec: unknown
    createdAt?: string
  }): number
  get(id: number): ExperimentRecord | undefined
  list(): ExperimentSummary[]
}

/** Prepares the experiments statements once for this connection. */
export function experimentsRepo(db: Database.Database): ExperimentsRepo {
  const insert = db.prepare(
    'INSERT INTO experiments (name, description, spec, created_at) VALUES (@name, @description, @spec, @createdAt)',
  )
  const get = db.prepare(
    'SELECT id, name, description, spec, created_at FROM experiments WHERE id = ?',
  )
  const list = db.prepare('SELECT id, name, description, created_at FROM experiments ORDER BY id')
  const counts = db.prepare(
    'SELECT experiment_id, status, count(*) AS n FROM runs GROUP BY experiment_id, status',
  )

  return {
    insert(e) {
      const info = insert.run({
        name: e.name,
        description: e.description ?? null,
        spec: JSON.stringify(e.spec),
        createdAt: e.createdAt ?? new Date().toISOString(),
      })
      return Number(info.lastInsertRowid)
    },
    get(id) {
      const row = get.get(id) as ExperimentRow | undefined
      if (!row) return undefined
      return {
        id: row.id,
        name: row.name,
        description: row.description,
        spec: JSON.parse(row.spec) as unknown,
        createdAt: row.created_at,
      }
    },
    list() {
      const byExperiment = new Map<number, Partial<Record<RunStatus, number>>>()
      for (const c of counts.all() as { experiment_id: number; status: RunStatus; n: number }[]) {
        const entry = byExperiment.get(c.experiment_id) ?? {}
        entry[c.status] = c.n
        byExperiment.set(c.experiment_id, entry)
      }
      return (list.all() as Omit<ExperimentRow, 'spec'>[]).map((row) => {
        const statusCounts = byExperiment.get(row.id) ?? {}
        const runCount = Object.values(statusCounts).reduce((a, b) => a + (b ?? 0), 0)
        return {
          id: row.id,
          name: row.name,
          description: row.description,
          createdAt: row.created_at,
          runCount,
          statusCounts,
        }
      })
    },
  }
}
