/**
 * A run's attempts (issue 17 item 4, 7): a run on remote workers is tried again on another worker
 * when its worker dies; each attempt keeps its own metrics, results and log. The run page shows
 * the last attempt, and an earlier one on request. The workers of the lab's queue (item 7).
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

/** A remote worker as the System page lists it (`complab workers` prints the same). */
export interface QueueWorker {
  name: string
  host: string
  /** The backend it trains on (`wasm`, `webgpu`, …; `best available` until its first run says). */
  backend: string
  /** On webgpu, the adapter its last run trained on, in words; null elsewhere. */
  adapter: string | null
  version: string
  /** The runs it trains now. */
  current: number[]
  done: number
  failed: number
  heartbeatAt: string
  /** Its heartbeat is recent: it is there. */
  alive: boolean
}

export const attemptInputs = {
  'runs.attempts': z.object({ id }).strict(),
  'queue.workers': z.object({}).strict(),
  'runs.attemptMetrics': z.object({ id, attempt: z.number().int().min(1).max(1_000_000) }).strict(),
} as const

export interface AttemptOutputs {
  /** The current attempt, the queue and worker that hold (held) the run, and every attempt. */
  'runs.attempts': { attempt: number; queue: string | null; worker: string | null; attempts: RunAttempt[] }
  'runs.attemptMetrics': MetricSeries[]
  /** The queue this lab sends runs to (its URL without password) and its workers; null: none. */
  'queue.workers': { queue: string | null; workers: QueueWorker[] }
}
