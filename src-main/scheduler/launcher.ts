/**
 * How the scheduler starts a run worker. Headless: `child_process.fork` of the worker entry
 * (`forkLauncher`); in Electron: a `utilityProcess` (see src-main/electron). Same entry file.
 */
import type { ParentMessage, WorkerMessage } from '../worker/protocol'

export interface WorkerHandle {
  readonly pid: number | undefined
  send(message: ParentMessage): void
  onMessage(handler: (message: WorkerMessage) => void): void
  /** Called once when the process exits, with its code or the signal that killed it. */
  onExit(handler: (code: number | null, signal: string | null) => void): void
  kill(): void
}

export interface WorkerLauncher {
  spawn(): WorkerHandle
}
