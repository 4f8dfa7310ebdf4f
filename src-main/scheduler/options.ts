/** What a scheduler is given (see `Scheduler`). */
import type { Store } from '../store/index'
import type { Emit } from './event-buffer'
import type { WorkerLauncher } from './launcher'

export interface SchedulerOptions {
  store: Store
  launcher: WorkerLauncher
  dataDir: string
  emit: Emit
  /** Runs executing at once (default 1). */
  concurrency?: number
  /** Backend override passed to every worker. */
  backend?: string
  /**
   * Start only the queued runs of these experiments (a live set: the owner adds to it, then
   * calls `wake()`); the others stay queued. Default: every queued run.
   */
  experiments?: ReadonlySet<number>
  /** No message from a started worker for this long → it is killed and the run fails (default 60 s). */
  heartbeatTimeoutMs?: number
  /** A worker that has not said `ready` after this long is killed (default: max(heartbeat timeout, 120 s)). */
  startTimeoutMs?: number
  /** How often buffered worker events are written (default 200 ms). */
  flushIntervalMs?: number
  /**
   * How long runs' events may wait for a database another program has locked before the runs
   * fail saying so (default 120 s); what they sent is written when the lock goes.
   */
  lockWaitMs?: number
}

/** A warning on the lab's process (the CLI prints it; tests listen for it). */
export function warn(what: string, err: unknown): void {
  process.emitWarning(`${what}: ${err instanceof Error ? err.message : String(err)}`)
}
