/** Reads of the runs table: one run, the queue, statuses, and the filtered, sorted runs list. */
import type Database from 'better-sqlite3'
import type { RunStatus } from '../../src-shared/types'
import {
  SUMMARY_COLUMNS,
  toRecord,
  toSummary,
  type RunRecord,
  type RunRow,
  type RunSummaryBase,
  type SummaryRow,
} from './run-records'
import { runOrder } from './run-sort'
import { runWhere } from './run-where'

export interface RunFilter {
  status?: RunStatus[]
  experimentId?: number
  role?: string
  method?: string
  search?: string
  /** A structured filter (`src-shared/filter-query.ts`), e.g. `test.accuracy > 0.97`. */
  where?: string
  /** Only the matching ids (`ids`), no rows. */
  idsOnly?: boolean
  sort?: string
  direction?: string
  limit?: number
  offset?: number
}

export interface RunQueries {
  get(id: number): RunRecord | undefined
  /** Queued runs in queue order (oldest first). */
  queued(): RunRecord[]
  /** Id, experiment and same-launch dependencies of each queued run, in queue order. */
  queuedDependencies(): { id: number; experimentId: number; dependsOn: number[] }[]
  running(): RunRecord[]
  /** Status of several runs at once. */
  statuses(ids: number[]): Map<number, RunStatus>
  /** Number of runs queued or running, optionally of one experiment. */
  activeCount(experimentId?: number): number
  list(filter: RunFilter): { rows: RunSummaryBase[]; total: number; ids?: number[] }
  /** Flattened params of several runs at once. */
  paramsFor(ids: readonly number[]): Map<number, Record<string, unknown>>
  /** Summaries of the given runs (or of one experiment, or all), in id order. */
  select(selection: { runIds?: number[]; experimentId?: number }): RunSummaryBase[]
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

/** Prepares the read statements once for this connection (list orders are cached as they are first used). */
export function runQueries(db: Database.Database): RunQueries {
  const get = db.prepare('SELECT * FROM runs WHERE id = ?')
  const byStatus = db.prepare('SELECT * FROM runs WHERE status = ? ORDER BY id')
  const queuedDeps = db.prepare(
    "SELECT id, experiment_id, depends_on FROM runs WHERE status = 'queued' ORDER BY id",
  )
  const statuses = db.prepare(
    'SELECT id, status FROM runs WHERE id IN (SELECT value FROM json_each(?))',
  )
  const active = db.prepare(
    "SELECT count(*) AS n FROM runs WHERE status IN ('queued', 'running') AND (@experimentId IS NULL OR experiment_id = @experimentId)",
  )
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
  /** Statements by their SQL text (orders and query shapes vary; values are always bound). */
  const statements = new Map<string, Database.Statement>()
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql)
    if (!statement) {
      if (statements.size > 200) statements.clear()
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }

  return {
    get(id) {
      const row = get.get(id) as RunRow | undefined
      return row ? toRecord(row) : undefined
    },
    queued() {
      return (byStatus.all('queued') as RunRow[]).map(toRecord)
    },
    queuedDependencies() {
      const rows = queuedDeps.all() as { id: number; experiment_id: number; depends_on: string }[]
      return rows.map((r) => ({
        id: r.id,
        experimentId: r.experiment_id,
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
    list(filter) {
      const order = runOrder(filter.sort ?? 'id', filter.direction ?? 'asc')
      const where = filter.where?.trim() ? runWhere(filter.where) : null
      const conditions = where ? `${FILTER_WHERE} AND ${where.sql}` : FILTER_WHERE
      const from = 'FROM runs r JOIN experiments e ON e.id = r.experiment_id'
      const params = {
        statuses: filter.status?.length ? JSON.stringify(filter.status) : null,
        experimentId: filter.experimentId ?? null,
        role: filter.role ?? null,
        method: filter.method ?? null,
        search: filter.search ? likePattern(filter.search) : null,
        ...where?.params,
      }
      const columns = filter.idsOnly ? 'r.id' : SUMMARY_COLUMNS
      const rows = prepared(`SELECT ${columns} ${from} ${order.join} ${conditions} ${order.orderBy} LIMIT @limit OFFSET @offset`).all({
        ...params,
        ...(order.resultKey !== null ? { sortKey: order.resultKey } : {}),
        limit: filter.limit ?? 1000,
        offset: filter.offset ?? 0,
      })
      const total = (prepared(`SELECT count(*) AS n ${from} ${conditions}`).get(params) as { n: number }).n
      if (filter.idsOnly) return { rows: [], total, ids: (rows as { id: number }[]).map((r) => r.id) }
      return { rows: (rows as SummaryRow[]).map(toSummary), total }
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
