/**
 * The Lab service's public face: what every adapter (Electron IPC, HTTP/WebSocket server, CLI)
 * and the tests talk to. Implemented in `./index.ts` (`createLab`).
 */
import type {
  Envelope,
  EventName,
  EventPayloads,
  MethodName,
  MethodOutputs,
} from '../../src-shared/contract'
import type { WorkerLauncher } from '../scheduler/launcher'

export interface LabOptions {
  /** SQLite file; default `<dataDir>/lab.db`. */
  dbPath?: string
  /** The lab's data folder (artifacts, imported files); default: `defaultDataDir()`. */
  dataDir?: string
  /** How many runs execute at once (default 1). */
  concurrency?: number
  /** Backend override passed to every worker (`wasm`, `cpu`, `tensorflow`). */
  backend?: string
  /** How workers are started: `child_process.fork` by default, `utilityProcess` in Electron. */
  launcher?: WorkerLauncher
  /** Start the scheduler (default true). A read-only CLI command (`runs list`) passes false. */
  schedule?: boolean
  /**
   * Start only the runs of experiments launched through this lab object (`complab run`); runs
   * queued before stay queued for `complab resume` or `complab serve`. Default false: all of them.
   */
  runOnlyLaunched?: boolean
  /** Path of better-sqlite3's native addon built for the current runtime (Electron). */
  nativeBinding?: string
  /**
   * Refuse file paths in specs that lie outside `dataDir` (absolute, `..`, links out). The server
   * sets it: requests from a browser may not make the lab read arbitrary files (DESIGN §8).
   */
  confinePaths?: boolean
  /** Check the database with `PRAGMA quick_check` at open when it is at most this big (64 MiB). */
  quickCheckMaxBytes?: number
  /** Milliseconds without a heartbeat after which a running worker is presumed hung (default 60 000). */
  heartbeatTimeoutMs?: number
  /**
   * How long a run's events may wait for a database whose write lock another program holds
   * before the run fails saying so (default 120 000); what it sent is written when the lock goes.
   */
  lockWaitMs?: number
  /**
   * Send runnable runs to remote workers through a BullMQ queue on Redis (issue 17), `local` of
   * them at a time still trained here (default 0: all go to the queue).
   */
  queue?: { url: string; attempts?: number; local?: number; checkMs?: number }
}

export interface Lab {
  readonly dbPath: string
  readonly dataDir: string
  /** Validates `input` with the contract's zod schema, runs the method, and wraps the outcome. */
  handle(method: string, input: unknown): Promise<Envelope<unknown>>
  /** Typed direct call for in-process adapters and tests; throws `LabError` on failure. */
  call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutputs[M]>
  subscribe<E extends EventName>(event: E, handler: (payload: EventPayloads[E]) => void): () => void
  /** Resolves when no run is queued or running (optionally only those of one experiment). */
  idle(experimentId?: number): Promise<void>
  /**
   * The pid of the process that runs this database's queue: this one when it schedules, another
   * live lab's, or null when none does (runs marked `running` then have no one running them).
   */
  schedulingPid(): number | null
  stop(): Promise<void>
}
