/**
 * The store (DESIGN §5): the lab's only writer to SQLite. One connection, one set of prepared
 * statements per repository, multi-row writes in transactions.
 */
import { statSync } from 'node:fs'
import type Database from 'better-sqlite3'
import type { RunDetail, RunSummary } from '../../src-shared/types'
import { annotationsRepo, type AnnotationsRepo } from './annotations'
import { experimentsRepo, type ExperimentsRepo } from './experiments'
import { metricsRepo, type MetricsRepo } from './metrics'
import { openDatabase, type OpenOptions } from './open'
import { pruneGroupsRepo, type PruneGroupsRepo } from './prune-groups'
import { runAttemptsRepo, type RunAttemptsRepo } from './run-attempts'
import { runOutputsRepo, type RunOutputsRepo } from './run-outputs'
import { runsRepo, type RunFilter, type RunsRepo, type RunSummaryBase } from './runs'

export { DatabaseOpenError } from './open'
export { MigrationError } from './migrate'
export type { OpenOptions } from './open'
export type { NewRun, RunFilter, RunRecord } from './runs'
export type { LayerPhase, LayerReport, LogLine } from './run-outputs'
export type { AttemptSummary, RunPlacement } from './run-attempts'

/** The error a run gets when the lab stopped (or died) while it ran. */
export const INTERRUPTED_REASON = 'interrupted: the lab stopped while it ran'

export interface Store {
  readonly path: string
  readonly db: Database.Database
  readonly experiments: ExperimentsRepo
  readonly runs: RunsRepo
  readonly metrics: MetricsRepo
  readonly outputs: RunOutputsRepo
  readonly annotations: AnnotationsRepo
  /** The dependency groups of pruning runs. */
  readonly groups: PruneGroupsRepo
  /** Attempts, queue and worker of runs sent to remote workers (issue 17). */
  readonly attempts: RunAttemptsRepo
  /** Runs `fn` in one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T
  /**
   * Runs `fn` in one transaction that takes the write lock first (BEGIN IMMEDIATE), so a lock
   * held by another connection refuses it at once, before any of `fn` ran.
   */
  writeTransaction<T>(fn: () => T): T
  /** How long a statement waits for a lock another connection holds (SQLite's busy timeout). */
  setBusyTimeout(ms: number): void
  /** Summaries with results and tags joined, filtered and sorted through the whitelist. */
  listRuns(filter: RunFilter): { rows: RunSummary[]; total: number; ids?: number[] }
  selectRuns(selection: { runIds?: number[]; experimentId?: number }): RunSummary[]
  runDetail(id: number): RunDetail | undefined
  /** `ok`, or SQLite's description of what is damaged. */
  integrityCheck(): string
  /** Bytes of the database file plus its WAL (0 in memory). */
  sizeBytes(): number
  /**
   * Copies the WAL into the database file and truncates it (the WAL holds every version of a
   * page written since the last checkpoint, so this frees room on a full disk). False when it
   * could not complete (readers, or no room even for that).
   */
  reclaimSpace(): boolean
  close(): void
}

/** Opens (creating and migrating) the database at `path`. Throws a one-line error if it cannot. */
export function openStore(path: string, options: OpenOptions = {}): Store {
  const db = openDatabase(path, options)
  const experiments = experimentsRepo(db)
  const runs = runsRepo(db)
  const metrics = metricsRepo(db)
  const outputs = runOutputsRepo(db)
  const annotations = annotationsRepo(db)
  const groups = pruneGroupsRepo(db)
  const attempts = runAttemptsRepo(db)

  const withExtras = (rows: RunSummaryBase[]): RunSummary[] => {
    const ids = rows.map((r) => r.id)
    const results = outputs.resultsFor(ids)
    const tags = annotations.tagsFor(ids)
    return rows.map((r) => ({ ...r, results: results.get(r.id) ?? {}, tags: tags.get(r.id) ?? [] }))
  }

  return {
    path,
    db,
    experiments,
    runs,
    metrics,
    outputs,
    annotations,
    groups,
    attempts,
    transaction<T>(fn: () => T): T {
      return db.transaction(fn)()
    },
    writeTransaction<T>(fn: () => T): T {
      // Nested in another transaction, IMMEDIATE means nothing: a savepoint, as `transaction`.
      return db.inTransaction ? db.transaction(fn)() : db.transaction(fn).immediate()
    },
    setBusyTimeout(ms) {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`)
    },
    listRuns(filter) {
      const { rows, total, ids } = runs.list(filter)
      return ids ? { rows: [], total, ids } : { rows: withExtras(rows), total }
    },
    selectRuns(selection) {
      return withExtras(runs.select(selection))
    },
    runDetail(id) {
      const record = runs.get(id)
      if (!record) return undefined
      const [summary] = withExtras(runs.select({ runIds: [id] }))
      return {
        ...summary,
        params: record.params,
        dependsOn: record.dependsOn,
        teacherRunId: record.teacherRunId,
        parentRunId: record.parentRunId,
        heartbeatAt: record.heartbeatAt,
        adapter: runs.adapter(id),
        notes: annotations.note(id),
        artifacts: outputs.artifacts(id),
        logs: outputs.logs(id),
      }
    },
    integrityCheck() {
      const rows = db.pragma('integrity_check') as { integrity_check: string }[]
      return rows.map((r) => r.integrity_check).join('; ')
    },
    sizeBytes() {
      if (path === ':memory:') return 0
      let bytes = 0
      for (const file of [path, `${path}-wal`]) {
        try {
          bytes += statSync(file).size
        } catch {
          // no WAL file yet
        }
      }
      return bytes
    },
    reclaimSpace() {
      try {
        const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
        return row?.busy === 0
      } catch {
        return false
      }
    },
    close() {
      if (db.open) db.close()
    },
  }
}
