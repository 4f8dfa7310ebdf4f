/**
 * A run's attempts (issue 17 item 4, 7): a run on remote workers is tried again on another worker
 * when its worker dies; each attempt keeps its own metrics, results and log. The run page shows
 * the last attempt, and an earlier one on request.
 */
import { z } from 'zod'
import type { MetricSeries } from '../types'
import { id } from './common'

export interface RunAttempt {
  attempt: number
  metricPoints: number
  logLines: number
  results: number
}

export const attemptInputs = {
  'runs.attempts': z.object({ id }).strict(),
  'runs.attemptMetrics': z.object({ id, attempt: z.number().int().min(1).max(1_000_000) }).strict(),
} as const

export interface AttemptOutputs {
  /** The current attempt, the queue and worker that hold (held) the run, and every attempt. */
  'runs.attempts': { attempt: number; queue: string | null; worker: string | null; attempts: RunAttempt[] }
  'runs.attemptMetrics': MetricSeries[]
}
