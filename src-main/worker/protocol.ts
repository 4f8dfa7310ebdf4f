/**
 * Messages between the scheduler and a run worker (one run per worker process, DESIGN §1).
 * The worker never touches SQLite: it streams these events and the scheduler writes them.
 */
import type { LayerReport, MetricPoint, RunProgress, WebGpuAdapter } from '../../src-shared/types'
import type { PruneGroupReport } from '../../src-shared/contract/groups'
import type { RunJob } from '../engine/run-job'

// The engine owns what a run receives and where it reports; the worker only carries them.
export type { RunJob, RunSink } from '../engine/run-job'
export type { LayerReport } from '../../src-shared/types'

/** Scheduler → worker. */
export type ParentMessage = { type: 'start'; job: RunJob }

/** Worker → scheduler. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'heartbeat' }
  | { type: 'backend'; name: string; adapter?: WebGpuAdapter | null }
  | ({ type: 'progress' } & RunProgress)
  | { type: 'metric'; points: MetricPoint[] }
  | { type: 'artifact'; kind: string; path: string; bytes: number; sha256: string }
  | { type: 'result'; results: Record<string, number> }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'layers'; phase: 'before' | 'after'; layers: LayerReport[] }
  | { type: 'groups'; groups: PruneGroupReport[] }
  | { type: 'done' }
  | { type: 'error'; message: string }
  /**
   * Remote runs only (issue 17): what came before this is the (run, attempt)'s event `seq` of the
   * queue's stream; stored with those events, so an event delivered again is stored once.
   */
  | { type: 'seq'; attempt: number; seq: number }
