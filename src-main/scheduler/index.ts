/**
 * The scheduler (DESIGN §1): takes queued runs from SQLite in order, starts one worker process
 * per run (at most `concurrency` at once, each only when the runs it depends on have finished),
 * writes what the workers stream in batched transactions, and settles every run exactly once.
 */
import { LabError } from '../../src-shared/contract'
import type { RunStatus } from '../../src-shared/types'
import { INTERRUPTED_REASON, type RunRecord, type Store } from '../store/index'
import { isLocked, storageFailure } from '../store/storage-errors'
import type { RunJob, WorkerMessage } from '../worker/protocol'
import { flushBuffers, RunEventBuffer, type Emit, type Refusal } from './event-buffer'
import { RunEnds } from './run-ends'
import type { WorkerHandle, WorkerLauncher } from './launcher'
import {
  discardUnrecorded,
  exitOutcome,
  nextRunnable,
  runJob,
  type EndReason,
  type TerminalStatus,
} from './run-queue'

export type { Emit } from './event-buffer'

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


interface ActiveRun {
  run: RunRecord
  handle: WorkerHandle
  buffer: RunEventBuffer
  ready: boolean
  settled: boolean
  endReason: EndReason | null
  /** Why the run's events could not be stored (disk full, read-only database), once they could not. */
  storageError: string | null
  /** The status the run settled with (null until it settles). */
  endStatus: TerminalStatus | null
  /**
   * How the run ended by its own account (`done`, `error`) while many of its points still wait to
   * be written: it settles once they are, in slices, so the lab never stalls on one huge write.
   */
  ending: { status: TerminalStatus; error: string | null } | null
  /** The worker process has exited. */
  processGone: boolean
  lastSeen: number
  timers: NodeJS.Timeout[]
  exited: Promise<void>
  markExited: () => void
}

/**
 * How long one flush may hold the event loop. A flush is one synchronous transaction; the number
 * of metric points it writes adapts so that it takes about this long on this machine, keeping the
 * lab answering while workers stream faster than the disk takes them. The surplus is written by
 * the next flush, right after pending I/O.
 */
const FLUSH_TARGET_MS = 20
const FLUSH_POINTS_MIN = 500
const FLUSH_POINTS_MAX = 100_000

function warn(what: string, err: unknown): void {
  process.emitWarning(`${what}: ${err instanceof Error ? err.message : String(err)}`)
}

export class Scheduler {
  private readonly store: Store
  private readonly launcher: WorkerLauncher
  private readonly emit: Emit
  private readonly concurrency: number
  private readonly heartbeatTimeoutMs: number
  private readonly startTimeoutMs: number
  private readonly active = new Map<number, ActiveRun>()
  private readonly idleWaiters = new Set<{ experimentId?: number; resolve: () => void }>()
  /** Ends of runs that wait to be stored (a locked or full database). */
  private readonly ends: RunEnds
  private pumpRetry: NodeJS.Timeout | null = null
  private catchUp: NodeJS.Immediate | null = null
  /** Metric points the next flush writes (all runs together), adapted to FLUSH_TARGET_MS. */
  private flushPoints = 5000
  /**
   * Set when the database refused to store a run (disk full, read-only): queued runs then wait
   * instead of each failing the same way, until `resumeQueue()` (a launch was accepted, so the
   * database takes writes again) or the next start.
   */
  private queuePausedBy: string | null = null
  private flushTimer: NodeJS.Timeout | null = null
  private pumpScheduled = false
  private running = false
  private stopping = false

  constructor(private readonly options: SchedulerOptions) {
    this.store = options.store
    this.launcher = options.launcher
    this.emit = options.emit
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 60_000
    this.startTimeoutMs = options.startTimeoutMs ?? Math.max(this.heartbeatTimeoutMs, 120_000)
    this.ends = new RunEnds(this.store, this.emit, options.lockWaitMs ?? 120_000, (end) => {
      // Its folder is tidied once its end is stored (the artifacts it names are recorded then).
      if (end.status !== 'finished' && !this.active.has(end.runId))
        discardUnrecorded(this.store, this.options.dataDir, end.runId)
      this.afterChange()
    })
  }

  /**
   * Start-up recovery, then work: any run still marked `running` was left by a lab that died or
   * stopped, so it becomes `interrupted` (its metrics stay); queued runs start again.
   */
  start(): number[] {
    if (this.running) return []
    this.stopping = false
    const interrupted = this.store.runs.interruptRunning(INTERRUPTED_REASON)
    for (const runId of interrupted) {
      this.emit('run.status', { runId, status: 'interrupted', error: INTERRUPTED_REASON })
      discardUnrecorded(this.store, this.options.dataDir, runId)
    }
    this.running = true
    this.flushTimer = setInterval(() => this.flush(), this.options.flushIntervalMs ?? 200)
    this.flushTimer.unref()
    this.wake()
    return interrupted
  }

  /** Why the queue waits (the database refused to store a run), or null when it does not. */
  queuePaused(): string | null {
    return this.queuePausedBy
  }

  /** Lets queued runs start again after the database refused writes (see `queuePaused`). */
  resumeQueue(): void {
    if (!this.queuePausedBy) return
    this.queuePausedBy = null
    this.wake()
  }

  /** Runs currently executing in a worker of this scheduler. */
  activeRunIds(): number[] {
    return [...this.active.keys()]
  }

  /** Looks at the queue soon (after a launch, a settle, a cancel). */
  wake(): void {
    if (!this.running || this.stopping || this.pumpScheduled) return
    this.pumpScheduled = true
    setImmediate(() => {
      this.pumpScheduled = false
      this.pump()
    })
  }

  /**
   * Cancels a run: a queued one is marked cancelled, a running one has its process killed and
   * settles as cancelled. Resolves with the run's final status.
   */
  async cancel(runId: number): Promise<RunStatus> {
    const run = this.store.runs.get(runId)
    if (!run) throw new LabError('not_found', `run #${runId} does not exist`)
    const active = this.active.get(runId)
    if (active) {
      if (!active.settled) {
        active.endReason ??= 'cancel'
        active.handle.kill()
      }
      await active.exited
      return this.ends.status(runId) ?? this.store.runs.get(runId)?.status ?? 'cancelled'
    }
    if (run.status === 'queued') {
      if (this.store.runs.settle(runId, 'cancelled', null)) {
        this.emit('run.status', { runId, status: 'cancelled', error: null })
      }
      this.afterChange()
      return this.store.runs.get(runId)?.status ?? 'cancelled'
    }
    if (run.status === 'running') {
      throw new LabError(
        'conflict',
        `run #${runId} is running in another lab process; cancel it there`,
      )
    }
    throw new LabError('conflict', `run #${runId} is already ${run.status}`)
  }

  /** Resolves when no run (of one experiment, or at all) is queued or running. */
  idle(experimentId?: number): Promise<void> {
    if (this.unfinishedCount(experimentId) === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.add({ experimentId, resolve }))
  }

  /**
   * Kills every worker; their runs become `interrupted` (queued runs stay queued for the next
   * start). Resolves when every worker has exited and its events are written.
   */
  async stop(): Promise<void> {
    if (!this.running) return
    this.stopping = true
    const exits: Promise<void>[] = []
    for (const a of this.active.values()) {
      if (!a.settled) a.endReason ??= 'stop'
      a.handle.kill()
      exits.push(a.exited)
    }
    // A handle that never reports its exit must not hold the lab open.
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000).unref())])
    for (const a of this.active.values()) {
      for (const t of a.timers) clearTimeout(t)
      // A run that had reported its end keeps it; the rest of its points are written now.
      if (a.ending) this.finish(a, a.ending.status, a.ending.error)
      else this.finish(a, 'interrupted', INTERRUPTED_REASON)
      if (a.endStatus !== 'finished' && !this.ends.has(a.run.id))
        discardUnrecorded(this.store, this.options.dataDir, a.run.id)
      a.markExited()
    }
    this.active.clear()
    // Ends that wait for another program's lock: give it a few seconds to let go.
    await this.ends.drain(5000)
    if (this.flushTimer) clearInterval(this.flushTimer)
    this.flushTimer = null
    if (this.pumpRetry) clearTimeout(this.pumpRetry)
    this.pumpRetry = null
    if (this.catchUp) clearImmediate(this.catchUp)
    this.catchUp = null
    this.running = false
    for (const w of this.idleWaiters) w.resolve()
    this.idleWaiters.clear()
  }

  private flush(): void {
    if (this.ends.waiting()) {
      this.checkLockDeadline()
      return
    }
    this.ends.retry()
    if (!this.writeBuffers()) {
      this.checkLockDeadline()
      return
    }
    // Runs that reported their end settle once what is left fits one flush.
    for (const a of [...this.active.values()]) {
      if (!a.ending || a.settled || a.buffer.metrics.length > this.flushPoints) continue
      this.finish(a, a.ending.status, a.ending.error)
      if (a.processGone) this.afterExit(a)
    }
    // Points left over (a fast stream): write the next slice as soon as pending I/O has run.
    if ([...this.active.values()].some((a) => a.buffer.metrics.length > 0)) this.flushSoon()
  }

  /** Writes one budget of what the workers sent; false when the database refused the write. */
  private writeBuffers(): boolean {
    const active = [...this.active.values()].filter((a) => !a.buffer.empty)
    if (!active.length) return true
    let refused: Refusal[]
    const budget = Math.max(1, Math.floor(this.flushPoints / active.length))
    const waiting = active.reduce((n, a) => n + Math.min(budget, a.buffer.metrics.length), 0)
    const began = performance.now()
    try {
      refused = flushBuffers(
        this.store,
        this.emit,
        active.map((a) => a.buffer),
        undefined,
        budget,
      )
    } catch (err) {
      // Another program holds the write lock: every buffer stays and is written when it goes.
      if (isLocked(err)) {
        this.ends.locked()
        return false
      }
      const storage = storageFailure(err)
      if (!storage) {
        // Another passing refusal: keep the lab up; the buffers stay for the next flush.
        warn('could not write run events', err)
        return false
      }
      // Nothing can be written (disk full, read-only file): the runs cannot be recorded, so they
      // end now, failed with that reason, instead of training on with their results dropped.
      for (const a of active) this.failForStorage(a, storage)
      return false
    }
    this.ends.written()
    for (const r of refused) {
      const a = this.active.get(r.runId)
      if (a && r.storage) this.failForStorage(a, r.storage)
    }
    // A full-budget flush tells how fast this machine writes now: aim the next one at the target.
    const took = performance.now() - began
    if (waiting >= this.flushPoints / 2 && took > 0) {
      const aimed = (this.flushPoints * FLUSH_TARGET_MS) / took
      this.flushPoints = Math.round(
        Math.min(FLUSH_POINTS_MAX, Math.max(FLUSH_POINTS_MIN, (this.flushPoints + aimed) / 2)),
      )
    }
    return true
  }

  private flushSoon(): void {
    if (this.catchUp) return
    this.catchUp = setImmediate(() => {
      this.catchUp = null
      if (this.running) this.flush()
    })
  }

  /** Ends a run whose events the database refuses to store. */
  private failForStorage(active: ActiveRun, reason: string): void {
    if (active.settled) return
    active.storageError ??= reason
    warn(`run #${active.run.id} fails`, new Error(reason))
    this.pauseQueue(reason)
    if (active.ending) {
      // It had ended by itself; what it sent last cannot be stored.
      active.buffer.clear()
      const error =
        active.ending.status === 'finished'
          ? `${reason}; the run's last results were not stored`
          : active.ending.error
      this.finish(active, 'failed', error)
      if (active.processGone) this.afterExit(active)
      return
    }
    this.end(active, 'storage')
  }

  private pauseQueue(reason: string): void {
    if (this.queuePausedBy) return
    this.queuePausedBy = reason
    warn('queued runs wait until a launch is accepted or the lab restarts', new Error(reason))
  }

  /**
   * The database has been locked by another program for `lockWaitMs`: runs still training are
   * stopped and fail saying so; runs that ended are announced as failed. What they sent stays
   * buffered and is written when the lock goes.
   */
  private checkLockDeadline(): void {
    if (!this.ends.overdue()) return
    const reason = this.ends.lockFailure()
    for (const a of [...this.active.values()]) {
      if (a.settled) continue
      a.storageError ??= reason
      if (!a.ending) {
        this.end(a, 'storage')
        continue
      }
      this.finish(a, 'failed', a.ending.status === 'finished' ? reason : a.ending.error)
      if (a.processGone) this.afterExit(a)
    }
    this.ends.announceOverdue()
  }

  /** Queued or running runs (of one experiment), not counting those that ended but are unwritten. */
  private unfinishedCount(experimentId?: number): number {
    // While the queue waits, only runs in a worker count: queued ones are not coming soon.
    if (this.queuePausedBy) {
      return [...this.active.values()].filter(
        (a) => !a.settled && (experimentId === undefined || a.run.experimentId === experimentId),
      ).length
    }
    // Ends the database refuses outright are not coming; those waiting for a lock are.
    return this.store.runs.activeCount(experimentId) - this.ends.unwritable(experimentId)
  }

  private pump(): void {
    if (!this.running || this.stopping) return
    if (this.queuePausedBy) {
      this.checkIdle()
      return
    }
    try {
      while (this.active.size < this.concurrency) {
        const next = this.nextRunnable()
        if (!next) break
        this.launch(next)
      }
      this.checkIdle()
    } catch (err) {
      // The database refused to start a run (disk full, read-only, locked): an exception here
      // would end the lab's process. Keep the queue as it is and look again in a while.
      warn('could not start queued runs', err)
      const storage = storageFailure(err)
      if (storage) {
        this.pauseQueue(storage)
        this.checkIdle()
        return
      }
      if (!this.pumpRetry) {
        this.pumpRetry = setTimeout(() => {
          this.pumpRetry = null
          this.wake()
        }, 2000)
        this.pumpRetry.unref()
      }
    }
  }

  private nextRunnable(): RunRecord | undefined {
    const { experiments } = this.options
    return nextRunnable(this.store, (id) => this.active.has(id), this.emit, experiments)
  }

  private job(run: RunRecord): RunJob {
    return runJob(this.store, run, this.options)
  }

  private launch(run: RunRecord): void {
    let job: RunJob
    try {
      job = this.job(run)
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      if (this.store.runs.settle(run.id, 'failed', error))
        this.emit('run.status', { runId: run.id, status: 'failed', error })
      return
    }
    if (!this.store.runs.start(run.id)) return
    this.emit('run.status', { runId: run.id, status: 'running', error: null })

    let handle: WorkerHandle
    try {
      handle = this.launcher.spawn()
    } catch (err) {
      const error = `could not start a worker: ${err instanceof Error ? err.message : String(err)}`
      if (this.store.runs.settle(run.id, 'failed', error))
        this.emit('run.status', { runId: run.id, status: 'failed', error })
      return
    }
    let markExited!: () => void
    const active: ActiveRun = {
      run,
      handle,
      buffer: new RunEventBuffer(run.id),
      ready: false,
      settled: false,
      endReason: null,
      storageError: null,
      endStatus: null,
      ending: null,
      processGone: false,
      lastSeen: Date.now(),
      timers: [],
      exited: new Promise<void>((resolve) => (markExited = resolve)),
      markExited: () => markExited(),
    }
    this.active.set(run.id, active)

    handle.onMessage((message) => this.onMessage(active, job, message))
    handle.onExit((code, signal) => this.onExit(active, code, signal))
    active.timers.push(
      setTimeout(() => {
        if (!active.ready && !active.settled) this.end(active, 'start-timeout')
      }, this.startTimeoutMs),
    )
    const every = Math.max(50, Math.min(1000, Math.floor(this.heartbeatTimeoutMs / 4)))
    active.timers.push(
      setInterval(() => {
        if (
          active.ready &&
          !active.settled &&
          Date.now() - active.lastSeen > this.heartbeatTimeoutMs
        )
          this.end(active, 'heartbeat')
      }, every),
    )
  }

  private end(active: ActiveRun, reason: EndReason): void {
    active.endReason ??= reason
    active.handle.kill()
  }

  private onMessage(active: ActiveRun, job: RunJob, message: WorkerMessage): void {
    active.lastSeen = Date.now()
    if (active.settled) return
    if (active.buffer.add(message)) return
    switch (message.type) {
      case 'ready':
        if (!active.ready) {
          active.ready = true
          active.handle.send({ type: 'start', job })
        }
        return
      case 'done':
        this.settleWhenWritten(active, 'finished', null)
        // The worker exits by itself right after `done`; make sure it does.
        active.timers.push(setTimeout(() => this.end(active, 'lingered'), 5000))
        return
      case 'error':
        this.settleWhenWritten(active, 'failed', message.message || 'the run failed')
        active.timers.push(setTimeout(() => this.end(active, 'lingered'), 5000))
        return
    }
  }

  /** Settles now if what is buffered fits one flush; else once the flushes have written it. */
  private settleWhenWritten(active: ActiveRun, status: TerminalStatus, error: string | null): void {
    if (active.ending) return
    if (active.buffer.metrics.length <= this.flushPoints) {
      this.finish(active, status, error)
      return
    }
    active.ending = { status, error }
    this.flushSoon()
  }

  private onExit(active: ActiveRun, code: number | null, signal: string | null): void {
    for (const t of active.timers) clearTimeout(t)
    active.processGone = true
    // It reported its end; its last points are still being written (see `settleWhenWritten`).
    if (!active.settled && active.ending) return
    if (!active.settled) {
      const [status, error] = exitOutcome(active, code, signal, {
        heartbeatTimeoutMs: this.heartbeatTimeoutMs,
        startTimeoutMs: this.startTimeoutMs,
      })
      this.finish(active, status, error)
    }
    this.afterExit(active)
  }

  /** The run has settled and its process is gone. */
  private afterExit(active: ActiveRun): void {
    if (!this.active.has(active.run.id)) return
    // Nothing writes in its folder any more (an end still waiting to be stored tidies it then).
    if (active.endStatus !== 'finished' && !this.ends.has(active.run.id))
      discardUnrecorded(this.store, this.options.dataDir, active.run.id)
    this.active.delete(active.run.id)
    active.markExited()
    this.afterChange()
  }

  /**
   * Writes the run's buffered events and its final status in one transaction, once; a run whose
   * last events (its results) cannot be stored does not settle as finished (see `RunEnds`).
   */
  private finish(active: ActiveRun, status: TerminalStatus, error: string | null): void {
    if (active.settled) return
    active.settled = true
    active.endStatus = this.ends.settle({
      runId: active.run.id,
      experimentId: active.run.experimentId,
      buffer: active.buffer,
      status,
      error,
      announced: false,
      cause: null,
    })
  }

  private afterChange(): void {
    this.wake()
    this.checkIdle()
  }

  private checkIdle(): void {
    if (!this.idleWaiters.size) return
    for (const w of [...this.idleWaiters]) {
      if (this.unfinishedCount(w.experimentId) === 0) {
        this.idleWaiters.delete(w)
        w.resolve()
      }
    }
  }
}
