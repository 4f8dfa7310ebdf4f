/** The events pushed to every subscribed client. */
import type { MetricPoint, RunProgress, RunStatus } from '../types'

/** Event name → payload (pushed to every subscribed client). */
export interface EventPayloads {
  'run.created': { experimentId: number; runIds: number[] }
  'run.status': { runId: number; status: RunStatus; error: string | null }
  'run.progress': { runId: number } & RunProgress
  'run.metric': { runId: number; points: MetricPoint[] }
  'run.log': { runId: number; level: 'info' | 'warn' | 'error'; message: string }
  /** Runs removed by `runs.delete`. */
  'run.deleted': { runIds: number[] }
  /** Tags or notes of these runs changed (refetch them). */
  'run.updated': { runIds: number[] }
}
export type EventName = keyof EventPayloads
export const EVENT_NAMES: readonly EventName[] = [
  'run.created',
  'run.status',
  'run.progress',
  'run.metric',
  'run.log',
  'run.deleted',
  'run.updated',
]
