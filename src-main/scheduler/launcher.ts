/**
 * How the scheduler starts a run worker. Headless: `child_process.fork` of the worker entry
 * (`forkLauncher`); in Electron: a `utilityProcess` (see src-main/electron). Same entry file.
 */
import type { RunRecord } from '../store/index'
import type { ParentMessage, WorkerMessage } from '../worker/protocol'

export interface WorkerHandle {
  readonly pid: number | undefined
  send(message: ParentMessage): void
  onMessage(handler: (message: WorkerMessage) => void): void
  /** Called once when the process exits, with its code or the signal that killed it. */
  onExit(handler: (code: number | null, signal: string | null) => void): void
  /** Ends the run's worker; `reason` is the scheduler's (`cancel`, `stop`, `heartbeat`, …). */
  kill(reason?: string): void
  /**
   * True for a remote run the lab let go of without ending it (the lab stops): it stays
   * `running`, and the next lab takes up its events (issue 17).
   */
  readonly detached?: boolean
}

export interface WorkerLauncher {
  /** A worker for `run` (a local process, or a remote worker through the queue). */
  spawn(run?: RunRecord): WorkerHandle
  /** The queue whose running runs a restarted lab takes up instead of interrupting (issue 17). */
  readonly queue?: string
}
