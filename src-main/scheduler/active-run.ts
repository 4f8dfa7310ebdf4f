/**
 * One run in one worker process, from its start to its exit, as one object with an explicit
 * lifecycle (the scheduler used to keep seven loose flags per run):
 *
 *   starting ──ready──► running ──done/error──► ending ──last points written──► settled
 *       └────────────────────┴──── killed, exited, stopped by the lab ─────────────┘
 *
 * `starting`: spawned, waiting for the worker's `ready`. `running`: the job was sent. `ending`:
 * the worker reported its end while many of its points still wait to be written (it settles
 * once they are, in slices, so the lab never stalls on one huge write). `settled`: its end (last
 * events and status) is handed to `RunEnds`, which stores it now or when the database lets it.
 * Independently of the phase, the process may have exited (`processGone`), and the lab may have
 * ended it itself (`stopped`: why, which decides the status when the process exits).
 */
import type { RunRecord } from '../store/index'
import { RunEventBuffer } from './event-buffer'
import type { WorkerHandle } from './launcher'
import type { EndReason, TerminalStatus } from './run-queue'

export type RunPhase =
  | { name: 'starting' }
  | { name: 'running' }
  | { name: 'ending'; status: TerminalStatus; error: string | null }
  | { name: 'settled'; status: TerminalStatus }

export interface Watch {
  heartbeatTimeoutMs: number
  startTimeoutMs: number
  /** Called when the worker did not say `ready` in time, or went silent while running. */
  onTimeout: (reason: 'start-timeout' | 'heartbeat') => void
}

export class ActiveRun {
  phase: RunPhase = { name: 'starting' }
  /** Why the lab ended the worker (the first reason wins), with a detail such as a storage error. */
  stopped: { reason: EndReason; detail: string | null } | null = null
  /** The worker process has exited. */
  processGone = false
  readonly buffer: RunEventBuffer
  readonly exited: Promise<void>
  private lastSeen = Date.now()
  private readonly timers: NodeJS.Timeout[] = []
  private resolveExited!: () => void

  constructor(
    readonly run: RunRecord,
    readonly handle: WorkerHandle,
  ) {
    this.buffer = new RunEventBuffer(run.id)
    this.exited = new Promise<void>((resolve) => (this.resolveExited = resolve))
  }

  get ready(): boolean {
    return this.phase.name !== 'starting'
  }

  get settled(): boolean {
    return this.phase.name === 'settled'
  }

  /** How the run ended by its own account, while its last points are still being written. */
  get ending(): { status: TerminalStatus; error: string | null } | null {
    return this.phase.name === 'ending' ? { status: this.phase.status, error: this.phase.error } : null
  }

  /** The status the run settled with (null until it settles). */
  get endStatus(): TerminalStatus | null {
    return this.phase.name === 'settled' ? this.phase.status : null
  }

  /** A message came from the worker. */
  seen(): void {
    this.lastSeen = Date.now()
  }

  /** Ends the worker for `reason`; the status follows from the first reason given. */
  stop(reason: EndReason, detail: string | null = null): void {
    this.stopped ??= { reason, detail }
    this.handle.kill(reason)
  }

  /** Kills a worker that does not start in time, or stops sending heartbeats once it runs. */
  watch(w: Watch): void {
    this.timers.push(
      setTimeout(() => {
        if (!this.ready && !this.settled) w.onTimeout('start-timeout')
      }, w.startTimeoutMs),
    )
    const every = Math.max(50, Math.min(1000, Math.floor(w.heartbeatTimeoutMs / 4)))
    this.timers.push(
      setInterval(() => {
        if (this.ready && !this.settled && Date.now() - this.lastSeen > w.heartbeatTimeoutMs)
          w.onTimeout('heartbeat')
      }, every),
    )
  }

  /** Runs `fn` after `ms` unless the process has exited by then. */
  after(ms: number, fn: () => void): void {
    this.timers.push(setTimeout(fn, ms))
  }

  /** The process is gone: no timer of this run fires any more. */
  processExited(): void {
    this.processGone = true
    for (const t of this.timers) clearTimeout(t)
  }

  /** Nothing of this run is left in the scheduler: whoever awaits `exited` goes on. */
  release(): void {
    for (const t of this.timers) clearTimeout(t)
    this.resolveExited()
  }
}
