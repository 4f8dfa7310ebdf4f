/** Writes to the runs table: new runs, their links, and each run's state transitions. */
import type Database from 'better-sqlite3'
import type { RunConfig } from '../../src-shared/spec/expand'
import type { RunProgress, RunStatus } from '../../src-shared/types'

export interface NewRun {
  experimentId: number
  key: string
  role: string
  label: string
  method: string
  seed: number
  params: Record<string, unknown>
  config: RunConfig
  dependsOn?: number[]
  teacherRunId?: number | null
  parentRunId?: number | null
  createdAt?: string
}

export interface RunWrites {
  insert(run: NewRun): number
  /**
   * Sets the same-launch dependencies and teacher once every run of a launch has its id (and the
   * params, where they name the teacher by its resolved id).
   */
  link(
    id: number,
    dependsOn: number[],
    teacherRunId: number | null,
    params?: Record<string, unknown>,
  ): void
  /** queued → running; false when the run was not queued any more (e.g. cancelled meanwhile). */
  start(id: number, at?: string): boolean
  /**
   * Moves a queued or running run to a terminal status. False when it had already settled:
   * the database enforces that each run settles once.
   */
  settle(
    id: number,
    status: Exclude<RunStatus, 'queued' | 'running'>,
    error: string | null,
    at?: string,
  ): boolean
  /**
   * Start-up recovery: every run still `running` becomes `interrupted`, except those on the
   * workers of `keepQueue` (their events are taken up). Returns their ids.
   */
  interruptRunning(reason: string, at?: string, keepQueue?: string): number[]
  setProgress(id: number, progress: RunProgress): void
  setHeartbeat(id: number, at: string): void
  setBackend(id: number, backend: string): void
}

/** Prepares the write statements once for this connection. */
export function runWrites(db: Database.Database): RunWrites {
  const insert = db.prepare(`INSERT INTO runs
    (experiment_id, key, role, label, method, seed, status, params, config, depends_on, teacher_run_id, parent_run_id, created_at)
    VALUES (@experimentId, @key, @role, @label, @method, @seed, 'queued', @params, @config, @dependsOn, @teacherRunId, @parentRunId, @createdAt)`)
  const link = db.prepare(
    'UPDATE runs SET depends_on = ?, teacher_run_id = ?, params = coalesce(?, params) WHERE id = ?',
  )
  const start = db.prepare(
    "UPDATE runs SET status = 'running', started_at = ?, heartbeat_at = ?, error = NULL WHERE id = ? AND status = 'queued'",
  )
  const settle = db.prepare(
    "UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')",
  )
  const interrupt = db.prepare(
    "UPDATE runs SET status = 'interrupted', error = ?, finished_at = ? WHERE status = 'running' AND (queue IS NULL OR queue IS NOT ?) RETURNING id",
  )
  const progress = db.prepare('UPDATE runs SET progress = ? WHERE id = ?')
  const heartbeat = db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?')
  const backend = db.prepare('UPDATE runs SET backend = ? WHERE id = ?')

  return {
    insert(run) {
      const info = insert.run({
        experimentId: run.experimentId,
        key: run.key,
        role: run.role,
        label: run.label,
        method: run.method,
        seed: run.seed,
        params: JSON.stringify(run.params),
        config: JSON.stringify(run.config),
        dependsOn: JSON.stringify(run.dependsOn ?? []),
        teacherRunId: run.teacherRunId ?? null,
        parentRunId: run.parentRunId ?? null,
        createdAt: run.createdAt ?? new Date().toISOString(),
      })
      return Number(info.lastInsertRowid)
    },
    link(id, dependsOn, teacherRunId, params) {
      link.run(JSON.stringify(dependsOn), teacherRunId, params ? JSON.stringify(params) : null, id)
    },
    start(id, at = new Date().toISOString()) {
      return start.run(at, at, id).changes === 1
    },
    settle(id, status, error, at = new Date().toISOString()) {
      return settle.run(status, error, at, id).changes === 1
    },
    interruptRunning(reason, at = new Date().toISOString(), keepQueue) {
      return (interrupt.all(reason, at, keepQueue ?? null) as { id: number }[]).map((r) => r.id)
    },
    setProgress(id, p) {
      progress.run(JSON.stringify(p), id)
    },
    setHeartbeat(id, at) {
      heartbeat.run(at, id)
    },
    setBackend(id, name) {
      backend.run(name, id)
    },
  }
}
