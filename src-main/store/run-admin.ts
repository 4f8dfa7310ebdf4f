/**
 * What the desktop app's views need from the store beyond the core repositories: deleting runs
 * (and experiments left empty), parameter keys and values across all runs (for group-by and
 * extra columns in the runs table), the relations between runs (teacher, parent), the metric
 * keys of several runs, and one artifact by id. Statements prepared once per connection.
 */
import type Database from 'better-sqlite3'
import type { Artifact } from '../../src-shared/types'

export type ScalarParam = string | number | boolean | null

export interface RunRelations {
  id: number
  experimentId: number
  teacherRunId: number | null
  parentRunId: number | null
  dependsOn: number[]
}

export interface RunAdminRepo {
  /** Deletes the runs (their metrics, results, layers, artifacts rows, tags, notes and logs go with them). */
  deleteRuns(ids: readonly number[]): { deleted: number[]; experimentsRemoved: number[] }
  /** Runs outside `ids` that are queued or running and need one of `ids` (teacher, parent, dependency). */
  activeDependents(ids: readonly number[]): number[]
  relations(ids: readonly number[]): Map<number, RunRelations>
  /** Ids of the runs of these experiments with this role. */
  idsByRole(experimentIds: readonly number[], role: string): number[]
  /** Every flattened parameter key of any run, with its number of distinct values. */
  paramKeys(): { key: string; distinct: number }[]
  /** The value of one parameter key for every run that has it. */
  paramValues(key: string): Map<number, ScalarParam>
  /** Metric series keys recorded by any of the runs. */
  metricKeys(ids: readonly number[]): string[]
  artifact(id: number): Artifact | undefined
  /** True when the experiment already has a run with this key. */
  keyTaken(experimentId: number, key: string): boolean
}

/** `$."method.temperature"`: a JSON path naming one flattened key (the key is a bound value). */
function jsonPath(key: string): string {
  return `$."${key.replace(/["\\]/g, '')}"`
}

/** Prepares the statements once for this connection. */
export function runAdminRepo(db: Database.Database): RunAdminRepo {
  const IN = 'IN (SELECT value FROM json_each(?))'
  const unlinkTeacher = db.prepare(`UPDATE runs SET teacher_run_id = NULL WHERE teacher_run_id ${IN} AND id NOT ${IN}`)
  const unlinkParent = db.prepare(`UPDATE runs SET parent_run_id = NULL WHERE parent_run_id ${IN} AND id NOT ${IN}`)
  const experimentsOf = db.prepare(`SELECT DISTINCT experiment_id AS id FROM runs WHERE id ${IN}`)
  const remove = db.prepare(`DELETE FROM runs WHERE id ${IN} RETURNING id`)
  const removeEmpty = db.prepare(
    `DELETE FROM experiments WHERE id ${IN} AND NOT EXISTS (SELECT 1 FROM runs WHERE experiment_id = experiments.id) RETURNING id`,
  )
  const active = db.prepare(
    `SELECT id, teacher_run_id, parent_run_id, depends_on FROM runs WHERE status IN ('queued', 'running') AND id NOT ${IN}`,
  )
  const relations = db.prepare(
    `SELECT id, experiment_id, teacher_run_id, parent_run_id, depends_on FROM runs WHERE id ${IN}`,
  )
  const byRole = db.prepare(`SELECT id FROM runs WHERE experiment_id ${IN} AND role = ? ORDER BY id`)
  const keys = db.prepare(
    'SELECT j.key AS key, count(DISTINCT j.value) AS n FROM runs r, json_each(r.params) j GROUP BY j.key ORDER BY j.key',
  )
  const values = db.prepare(
    'SELECT id, json_extract(params, ?) AS v, json_type(params, ?) AS t FROM runs WHERE json_type(params, ?) IS NOT NULL',
  )
  const metricKeys = db.prepare(`SELECT DISTINCT key FROM metrics WHERE run_id ${IN} ORDER BY key`)
  const artifact = db.prepare('SELECT * FROM artifacts WHERE id = ?')
  const keyTaken = db.prepare('SELECT 1 FROM runs WHERE experiment_id = ? AND key = ?')

  const deleteRuns = db.transaction((ids: readonly number[]) => {
    const list = JSON.stringify(ids)
    const experiments = (experimentsOf.all(list) as { id: number }[]).map((e) => e.id)
    // Runs kept that learned from a deleted run keep their results; only the link goes.
    unlinkTeacher.run(list, list)
    unlinkParent.run(list, list)
    const deleted = (remove.all(list) as { id: number }[]).map((r) => r.id).sort((a, b) => a - b)
    const experimentsRemoved = (removeEmpty.all(JSON.stringify(experiments)) as { id: number }[]).map((e) => e.id)
    return { deleted, experimentsRemoved }
  })

  return {
    deleteRuns(ids) {
      return deleteRuns(ids)
    },
    activeDependents(ids) {
      const set = new Set(ids)
      const rows = active.all(JSON.stringify(ids)) as {
        id: number
        teacher_run_id: number | null
        parent_run_id: number | null
        depends_on: string
      }[]
      return rows
        .filter(
          (r) =>
            (r.teacher_run_id !== null && set.has(r.teacher_run_id)) ||
            (r.parent_run_id !== null && set.has(r.parent_run_id)) ||
            (JSON.parse(r.depends_on) as number[]).some((d) => set.has(d)),
        )
        .map((r) => r.id)
    },
    relations(ids) {
      const rows = relations.all(JSON.stringify(ids)) as {
        id: number
        experiment_id: number
        teacher_run_id: number | null
        parent_run_id: number | null
        depends_on: string
      }[]
      return new Map(
        rows.map((r) => [
          r.id,
          {
            id: r.id,
            experimentId: r.experiment_id,
            teacherRunId: r.teacher_run_id,
            parentRunId: r.parent_run_id,
            dependsOn: JSON.parse(r.depends_on) as number[],
          },
        ]),
      )
    },
    idsByRole(experimentIds, role) {
      return (byRole.all(JSON.stringify(experimentIds), role) as { id: number }[]).map((r) => r.id)
    },
    paramKeys() {
      return (keys.all() as { key: string; n: number }[]).map((r) => ({ key: r.key, distinct: r.n }))
    },
    paramValues(key) {
      const path = jsonPath(key)
      const out = new Map<number, ScalarParam>()
      for (const r of values.all(path, path, path) as { id: number; v: unknown; t: string }[]) {
        if (r.t === 'true' || r.t === 'false') out.set(r.id, r.t === 'true')
        else if (r.t === 'null') out.set(r.id, null)
        else out.set(r.id, r.v as string | number)
      }
      return out
    },
    metricKeys(ids) {
      return (metricKeys.all(JSON.stringify(ids)) as { key: string }[]).map((r) => r.key)
    },
    artifact(id) {
      const r = artifact.get(id) as
        | { id: number; run_id: number; kind: string; path: string; bytes: number; sha256: string; created_at: string }
        | undefined
      if (!r) return undefined
      return { id: r.id, runId: r.run_id, kind: r.kind, path: r.path, bytes: r.bytes, sha256: r.sha256, createdAt: r.created_at }
    },
    keyTaken(experimentId, key) {
      return keyTaken.get(experimentId, key) !== undefined
    },
  }
}
