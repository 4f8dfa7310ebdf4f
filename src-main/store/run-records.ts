/** Run rows as SQLite holds them, and the records and summaries the store hands out. */
import type { RunConfig } from '../../src-shared/spec/expand'
import type { RunProgress, RunSummary } from '../../src-shared/types'

/** A run's summary without the joined results and tags (added by the store). */
export type RunSummaryBase = Omit<RunSummary, 'results' | 'tags'>

/** A run as the scheduler needs it. */
export interface RunRecord extends Omit<RunSummaryBase, 'experimentName'> {
  params: Record<string, unknown>
  config: RunConfig
  dependsOn: number[]
  teacherRunId: number | null
  parentRunId: number | null
  heartbeatAt: string | null
}

/** A row of the runs table (the columns that keep their name, then the snake_case ones). */
export interface RunRow
  extends Pick<RunSummaryBase, 'id' | 'key' | 'role' | 'label' | 'method' | 'seed' | 'status' | 'backend' | 'error'> {
  experiment_id: number
  params: string
  config: string
  depends_on: string
  teacher_run_id: number | null
  parent_run_id: number | null
  progress: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  heartbeat_at: string | null
}

export type SummaryRow = Pick<
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
> & {
  experiment_name: string
  /** Set for a run sent to remote workers (migration 0004). */
  queue?: string | null
  worker?: string | null
  attempt?: number
}

export const SUMMARY_COLUMNS = `r.id, r.experiment_id, e.name AS experiment_name, r.key, r.role, r.label, r.method, r.seed,
  r.status, r.error, r.backend, r.created_at, r.started_at, r.finished_at, r.progress, r.queue, r.worker, r.attempt`

/** The columns a record and a summary share, in the summary's order. */
function commonFields(
  row: Omit<SummaryRow, 'experiment_name'>,
): Omit<RunSummaryBase, 'id' | 'experimentId' | 'experimentName'> {
  return {
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

export function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    ...commonFields(row),
    params: JSON.parse(row.params) as Record<string, unknown>,
    config: JSON.parse(row.config) as RunConfig,
    dependsOn: JSON.parse(row.depends_on) as number[],
    teacherRunId: row.teacher_run_id,
    parentRunId: row.parent_run_id,
    heartbeatAt: row.heartbeat_at,
  }
}

export function toSummary(row: SummaryRow): RunSummaryBase {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    experimentName: row.experiment_name,
    ...commonFields(row),
    // Only runs sent to remote workers carry their worker and attempt (the runs table's column).
    ...(row.queue ? { worker: row.worker ?? null, attempt: row.attempt ?? 1 } : {}),
  }
}
