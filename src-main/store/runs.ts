/** The runs repository: the queue (DESIGN §1), each run's status, params and progress. */
import type Database from 'better-sqlite3'
import type { RunConfig } from '../../src-shared/spec/expand'
import type { RunProgress, RunStatus, RunSummary } from '../../src-shared/types'
import { runOrder } from './run-sort'

/** A run as the scheduler needs it. */
export interface RunRecord {
  id: number
  experimentId: number
  key: string
  role: string
  label: string
  method: string
  seed: number
  status: RunStatus
  params: Record<string, unknown>
  config: RunConfig
  dependsOn: number[]
  teacherRunId: number | null
  parentRunId: number | null
  backend: string | null
  error: string | null
  progress: RunProgress | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  heartbeatAt: string | null
}

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

export interface RunFilter {
  status?: RunStatus[]
  experimentId?: number
  role?: string
  method?: string
  search?: string
  sort?: string
  direction?: string
  limit?: number
  offset?: number
}

/** A run's summary without the joined results and tags (added by the store). */
export type RunSummaryBase = Omit<RunSummary, 'results' | 'tags'>

export interface RunsRepo {
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
  get(id: number): RunRecord | undefined
  /** Queued runs in queue order (oldest first). */
  queued(): RunRecord[]
  /** Ids and same-launch dependencies of the queued runs, in queue order (the scheduler's look). */
  queuedDependencies(): { id: number; dependsOn: number[] }[]
  running(): RunRecord[]
  /** Status of several runs at once. */
  statuses(ids: number[]): Map<number, RunStatus>
  /** Number of runs queued or running, optionally of one experiment. */
  activeCount(experimentId?: number): number
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
  /** Start-up recovery: every run still `running` becomes `interrupted`. Returns their ids. */
  interruptRunning(reason: string, at?: string): number[]
  setProgress(id: number, progress: RunProgress): void
  setHeartbeat(id: number, at: string): void
  setBackend(id: number, backend: string): void
  list(filter: RunFilter): { rows: RunSummaryBase[]; total: number }
  /** Flattened params of several runs at once. */
  paramsFor(ids: readonly number[]): Map<number, Record<string, unknown>>
  /** Summaries of the given runs (or of one experiment, or all), in id order. */
  select(selection: { runIds?: number[]; experimentId?: number }): RunSummaryBase[]
}

interface RunRow {
  id: number
  experiment_id: number
  key: string
  role: string
  label: string
  method: string
  seed: number
  status: RunStatus
  params: string
  config: string
  depends_on: string
  teacher_run_id: number | null
  parent_run_id: number | null
  backend: string | null
  error: string | null
  progress: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  heartbeat_at: string | null
}

type SummaryRow = Pick<
  RunRow,
  | 'id'
  | 'experiment_id'
  | 'key'
  | 'role'
  | 'label'
  | 'method'
  | 'seed'
  | 'status'
  | 'error'
  | 'backend'
  | 'created_at'
  | 'started_at'
  | 'finished_at'
  | 'progress'
> & { experiment_name: string }

const SUMMARY_COLUMNS = `r.id, r.experiment_id, e.name AS experiment_name, r.key, r.role, r.label, r.method, r.seed,
  r.status, r.error, r.backend, r.created_at, r.started_at, r.finished_at, r.progress`

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    key: row.key,
    role: row.role,
    label: row.label,
    method: row.method,
    seed: row.seed,
    status: row.status,
    params: JSON.parse(row.params) as Record<string, unknown>,
    config: JSON.parse(row.config) as RunConfig,
    dependsOn: JSON.parse(row.depends_on) as number[],
    teacherRunId: row.teacher_run_id,
    parentRunId: row.parent_run_id,
    backend: row.backend,
    error: row.error,
    progress: row.progress ? (JSON.parse(row.progress) as RunProgress) : null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    heartbeatAt: row.heartbeat_at,
  }
}

function toSummary(row: SummaryRow): RunSummaryBase {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    key: row.key,
    role: row.role,
    label: row.label,
    method: row.method,
    seed: row.seed,
    status: row.status,
    error: row.error,
    backend: row.backend,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: row.progress ? (JSON.parse(row.progress) as RunProgress) : null,
  }
}

/** `%` and `_` in a search are literal characters, not LIKE wildcards. */
function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

// Every optional filter is written as `(@x IS NULL OR …)`, so one statement serves all filter
// combinations and only the ORDER BY (from the whitelist) varies.
const FILTER_WHERE = `
  WHERE (@statuses IS NULL OR r.status IN (SELECT value FROM json_each(@statuses)))
    AND (@experimentId IS NULL OR r.experiment_id = @experimentId)
    AND (@role IS NULL OR r.role = @role)
    AND (@method IS NULL OR r.method = @method)
    AND (@search IS NULL OR r.label LIKE @search ESCAPE '\\' OR e.name LIKE @search ESCAPE '\\')`

/** Prepares the runs statements once for this connection (list orders are cached as they are first used). */
export function runsRepo(db: Database.Database): RunsRepo {
  const insert = db.prepare(`INSERT INTO runs
    (experiment_id, key, role, label, method, seed, status, params, config, depends_on, teacher_run_id, parent_run_id, created_at)
    VALUES (@experimentId, @key, @role, @label, @method, @seed, 'queued', @params, @config, @dependsOn, @teacherRunId, @parentRunId, @createdAt)`)
  const link = db.prepare(
    'UPDATE runs SET depends_on = ?, teacher_run_id = ?, params = coalesce(?, params) WHERE id = ?',
  )
  const get = db.prepare('SELECT * FROM runs WHERE id = ?')
  const byStatus = db.prepare('SELECT * FROM runs WHERE status = ? ORDER BY id')
  const queuedDeps = db.prepare(
    "SELECT id, depends_on FROM runs WHERE status = 'queued' ORDER BY id",
  )
  const statuses = db.prepare(
    'SELECT id, status FROM runs WHERE id IN (SELECT value FROM json_each(?))',
  )
  const active = db.prepare(
    "SELECT count(*) AS n FROM runs WHERE status IN ('queued', 'running') AND (@experimentId IS NULL OR experiment_id = @experimentId)",
  )
  const start = db.prepare(
    "UPDATE runs SET status = 'running', started_at = ?, heartbeat_at = ?, error = NULL WHERE id = ? AND status = 'queued'",
  )
  const settle = db.prepare(
    "UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')",
  )
  const interrupt = db.prepare(
    "UPDATE runs SET status = 'interrupted', error = ?, finished_at = ? WHERE status = 'running' RETURNING id",
  )
  const progress = db.prepare('UPDATE runs SET progress = ? WHERE id = ?')
  const heartbeat = db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?')
  const backend = db.prepare('UPDATE runs SET backend = ? WHERE id = ?')
  const paramsFor = db.prepare(
    'SELECT id, params FROM runs WHERE id IN (SELECT value FROM json_each(?))',
  )
  const selectIds =
    db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
    WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.id`)
  const selectExperiment =
    db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
    WHERE r.experiment_id = ? ORDER BY r.id`)
  const selectAll = db.prepare(
    `SELECT ${SUMMARY_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id ORDER BY r.id`,
  )
  const count = db.prepare(
    `SELECT count(*) AS n FROM runs r JOIN experiments e ON e.id = r.experiment_id ${FILTER_WHERE}`,
  )
  const listStatements = new Map<string, Database.Statement>()

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
    get(id) {
      const row = get.get(id) as RunRow | undefined
      return row ? toRecord(row) : undefined
    },
    queued() {
      return (byStatus.all('queued') as RunRow[]).map(toRecord)
    },
    queuedDependencies() {
      return (queuedDeps.all() as { id: number; depends_on: string }[]).map((r) => ({
        id: r.id,
        dependsOn: JSON.parse(r.depends_on) as number[],
      }))
    },
    running() {
      return (byStatus.all('running') as RunRow[]).map(toRecord)
    },
    statuses(ids) {
      const rows = statuses.all(JSON.stringify(ids)) as { id: number; status: RunStatus }[]
      return new Map(rows.map((r) => [r.id, r.status]))
    },
    activeCount(experimentId) {
      return (active.get({ experimentId: experimentId ?? null }) as { n: number }).n
    },
    start(id, at = new Date().toISOString()) {
      return start.run(at, at, id).changes === 1
    },
    settle(id, status, error, at = new Date().toISOString()) {
      return settle.run(status, error, at, id).changes === 1
    },
    interruptRunning(reason, at = new Date().toISOString()) {
      return (interrupt.all(reason, at) as { id: number }[]).map((r) => r.id)
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
    list(filter) {
      const order = runOrder(filter.sort ?? 'id', filter.direction ?? 'asc')
      const sql = `SELECT ${SUMMARY_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id ${order.join}
        ${FILTER_WHERE} ${order.orderBy} LIMIT @limit OFFSET @offset`
      let statement = listStatements.get(sql)
      if (!statement) {
        statement = db.prepare(sql)
        listStatements.set(sql, statement)
      }
      const params = {
        statuses: filter.status?.length ? JSON.stringify(filter.status) : null,
        experimentId: filter.experimentId ?? null,
        role: filter.role ?? null,
        method: filter.method ?? null,
        search: filter.search ? likePattern(filter.search) : null,
      }
      const rows = statement.all({
        ...params,
        ...(order.resultKey !== null ? { sortKey: order.resultKey } : {}),
        limit: filter.limit ?? 1000,
        offset: filter.offset ?? 0,
      }) as SummaryRow[]
      const total = (count.get(params) as { n: number }).n
      return { rows: rows.map(toSummary), total }
    },
    paramsFor(ids) {
      const rows = paramsFor.all(JSON.stringify(ids)) as { id: number; params: string }[]
      return new Map(rows.map((r) => [r.id, JSON.parse(r.params) as Record<string, unknown>]))
    },
    select(selection) {
      let rows: SummaryRow[]
      if (selection.runIds) rows = selectIds.all(JSON.stringify(selection.runIds)) as SummaryRow[]
      else if (selection.experimentId !== undefined)
        rows = selectExperiment.all(selection.experimentId) as SummaryRow[]
      else rows = selectAll.all() as SummaryRow[]
      return rows.map(toSummary)
    },
  }
}
