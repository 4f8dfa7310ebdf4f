/**
 * The scheduler (DESIGN §1): takes queued runs from SQLite in order, starts one worker process
 * per run (at most `concurrency` at once, each only when the runs it depends on have finished),
 * writes what the workers stream in batched transactions, and settles every run exactly once.
 */
import { LabError } from '../../src-shared/contract'
import type { RunStatus } from '../../src-shared/types'
import { INTERRUPTED_REASON, type RunRecord, type Store } from '../store/index'
import { storageFailure } from '../store/storage-errors'
import type { RunJob, WorkerMessage } from '../worker/protocol'
import { ActiveRun } from './active-run'
import type { Emit } from './event-buffer'
import { EventWriter, type WriterHost } from './event-writer'
import type { WorkerHandle, WorkerLauncher } from './launcher'
import { warn, type SchedulerOptions } from './options'
import {
  discardUnrecorded,
  exitOutcome,
  nextRunnable,
  runJob,
  type TerminalStatus,
} from './run-queue'

export type { Emit } from './event-buffer'
export type { SchedulerOptions } from './options'

export class Scheduler {
  private readonly store: Store
  private readonly launcher: WorkerLauncher
  private readonly emit: Emit
  private readonly concurrency: number
  private readonly heartbeatTimeoutMs: number
  private readonly startTimeoutMs: number
  private readonly active = new Map<number, ActiveRun>()
  private readonly idleWaiters = new Set<{ experimentId?: number; resolve: () => void }>()
  private readonly writer: EventWriter
  private pumpRetry: NodeJS.Timeout | null = null
  /**
   * Set when the database refused to store a run (disk full, read-only): queued runs then wait
   * instead of each failing the same way, until `resumeQueue()` (a launch was accepted, so the
   * database takes writes again) or the next start.
   */
  private queuePausedBy: string | null = null
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
    this.writer = new EventWriter(this.store, this.emit, this.writerHost(), options.lockWaitMs ?? 120_000)
  }

  /**
   * Start-up recovery, then work: a run still marked `running` was left by a lab that died or
   * stopped, so it becomes `interrupted` (its metrics stay), unless a remote worker of this lab's
   * queue holds it: its events are taken up (issue 17). Queued runs start again.
   */
  start(): number[] {
    if (this.running) return []
    this.stopping = false
    const queue = this.launcher.queue
    const interrupted = this.store.runs.interruptRunning(INTERRUPTED_REASON, undefined, queue)
    for (const runId of interrupted) {
      this.emit('run.status', { runId, status: 'interrupted', error: INTERRUPTED_REASON })
      discardUnrecorded(this.store, this.options.dataDir, runId)
    }
    this.running = true
    this.writer.start(this.options.flushIntervalMs ?? 200)
    for (const id of queue ? this.store.attempts.runningOn(queue) : []) this.launch(this.store.runs.get(id)!)
    this.wake()
    return interrupted
  }

  /** Why the queue waits (the database refused to store a run), or null when it does not. */
  queuePaused = (): string | null => this.queuePausedBy

  /** Lets queued runs start again after the database refused writes (see `queuePaused`). */
  resumeQueue(): void {
    if (!this.queuePausedBy) return
    this.queuePausedBy = null
    this.wake()
  }

  /** Runs currently executing in a worker of this scheduler. */
  activeRunIds = (): number[] => [...this.active.keys()]

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
      if (!active.settled) active.stop('cancel')
      await active.exited
      return this.writer.ends.status(runId) ?? this.store.runs.get(runId)?.status ?? 'cancelled'
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
      if (a.settled) a.handle.kill('stop')
      else a.stop('stop')
      exits.push(a.exited)
    }
    // A handle that never reports its exit must not hold the lab open.
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000).unref())])
    for (const a of this.active.values()) {
      // A run that had reported its end keeps it; the rest of its points are written now.
      if (a.ending) this.finish(a, a.ending.status, a.ending.error)
      else if (!a.handle.detached) this.finish(a, 'interrupted', INTERRUPTED_REASON)
      this.tidyUnfinished(a)
      a.release()
    }
    this.active.clear()
    // Ends that wait for another program's lock: give it a few seconds to let go.
    await this.writer.ends.drain(5000)
    this.writer.stop()
    if (this.pumpRetry) clearTimeout(this.pumpRetry)
    this.pumpRetry = null
    this.running = false
    for (const w of this.idleWaiters) w.resolve()
    this.idleWaiters.clear()
  }

  /** What the event writer may ask of the scheduler. */
  private writerHost(): WriterHost {
    return {
      active: this.active,
      settleEnded: (a) => {
        if (a.ending) this.finish(a, a.ending.status, a.ending.error)
        if (a.processGone) this.afterExit(a)
      },
      failForStorage: (a, reason) => this.failForStorage(a, reason),
      failLocked: (a, reason) => this.failUnrecordable(a, reason, false),
      endStored: (end) => {
        // Its folder is tidied once its end is stored (the artifacts it names are recorded then).
        if (end.status !== 'finished' && !this.active.has(end.runId))
          discardUnrecorded(this.store, this.options.dataDir, end.runId)
        this.afterChange()
      },
    }
  }

  /** Ends a run whose events the database refuses to store. */
  private failForStorage(active: ActiveRun, reason: string): void {
    if (active.settled) return
    warn(`run #${active.run.id} fails`, new Error(reason))
    this.pauseQueue(reason)
    this.failUnrecordable(active, reason, true)
  }

  /**
   * Fails a run the lab cannot record: a worker still training is stopped (its status follows
   * from `reason` when it exits); a run that had ended fails now, keeping its own failure.
   * With `dropLast`, what it sent last is dropped (it cannot be stored: a full disk).
   */
  private failUnrecordable(active: ActiveRun, reason: string, dropLast: boolean): void {
    const ending = active.ending
    if (!ending) {
      active.stop('storage', reason)
      return
    }
    if (dropLast) active.buffer.clear()
    const lost = dropLast ? `${reason}; the run's last results were not stored` : reason
    this.finish(active, 'failed', ending.status === 'finished' ? lost : ending.error)
    if (active.processGone) this.afterExit(active)
  }

  private pauseQueue(reason: string): void {
    if (this.queuePausedBy) return
    this.queuePausedBy = reason
    warn('queued runs wait until a launch is accepted or the lab restarts', new Error(reason))
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
    return this.store.runs.activeCount(experimentId) - this.writer.ends.unwritable(experimentId)
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

  private launch(run: RunRecord): void {
    let job: RunJob
    try {
      job = runJob(this.store, run, this.options)
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      if (this.store.runs.settle(run.id, 'failed', error))
        this.emit('run.status', { runId: run.id, status: 'failed', error })
      return
    }
    // A run already `running` is a remote one a restarted lab takes up (see `start`).
    if (run.status !== 'running' && !this.store.runs.start(run.id)) return
    this.emit('run.status', { runId: run.id, status: 'running', error: null })
    let handle: WorkerHandle
    try {
      handle = this.launcher.spawn(run)
    } catch (err) {
      const error = `could not start a worker: ${err instanceof Error ? err.message : String(err)}`
      if (this.store.runs.settle(run.id, 'failed', error))
        this.emit('run.status', { runId: run.id, status: 'failed', error })
      return
    }
    const active = new ActiveRun(run, handle)
    this.active.set(run.id, active)
    handle.onMessage((message) => this.onMessage(active, job, message))
    handle.onExit((code, signal) => this.onExit(active, code, signal))
    active.watch({
      heartbeatTimeoutMs: this.heartbeatTimeoutMs,
      startTimeoutMs: this.startTimeoutMs,
      onTimeout: (reason) => active.stop(reason),
    })
  }

  private onMessage(active: ActiveRun, job: RunJob, message: WorkerMessage): void {
    active.seen()
    if (active.settled) return
    if (active.buffer.add(message)) return
    switch (message.type) {
      case 'ready':
        if (!active.ready) {
          active.phase = { name: 'running' }
          active.handle.send({ type: 'start', job })
        }
        return
      case 'done':
        this.settleWhenWritten(active, 'finished', null)
        // The worker exits by itself right after `done`; make sure it does.
        active.after(5000, () => active.stop('lingered'))
        return
      case 'error':
        this.settleWhenWritten(active, 'failed', message.message || 'the run failed')
        active.after(5000, () => active.stop('lingered'))
        return
    }
  }

  /** Settles now if what is buffered fits one flush; else once the flushes have written it. */
  private settleWhenWritten(active: ActiveRun, status: TerminalStatus, error: string | null): void {
    if (active.ending) return
    if (this.writer.fits(active.buffer.metrics.length)) {
      this.finish(active, status, error)
      return
    }
    active.phase = { name: 'ending', status, error }
    this.writer.flushSoon()
  }

  private onExit(active: ActiveRun, code: number | null, signal: string | null): void {
    active.processExited()
    // It reported its end; its last points are still being written (see `settleWhenWritten`).
    if (!active.settled && active.ending) return
    if (!active.settled && !active.handle.detached) {
      const [status, error] = exitOutcome(active, code, signal, {
        heartbeatTimeoutMs: this.heartbeatTimeoutMs,
        startTimeoutMs: this.startTimeoutMs,
      })
      this.finish(active, status, error)
    }
    this.afterExit(active)
  }

  /** A gone, unfinished run's unrecorded files go (an end still waiting tidies once stored). */
  private tidyUnfinished(active: ActiveRun): void {
    // A remote run the lab let go of goes on: its half-received files are the next lab's.
    if (active.endStatus !== 'finished' && !this.writer.ends.has(active.run.id) && !active.handle.detached)
      discardUnrecorded(this.store, this.options.dataDir, active.run.id)
  }

  /** The run has settled and its process is gone. */
  private afterExit(active: ActiveRun): void {
    if (!this.active.has(active.run.id)) return
    this.tidyUnfinished(active)
    this.active.delete(active.run.id)
    active.release()
    this.afterChange()
  }

  /**
   * Writes the run's buffered events and its final status in one transaction, once; a run whose
   * last events (its results) cannot be stored does not settle as finished (see `RunEnds`).
   */
  private finish(active: ActiveRun, status: TerminalStatus, error: string | null): void {
    if (active.settled) return
    // Settled before anything is written: an event listener that reacts must see it so.
    active.phase = { name: 'settled', status }
    active.phase.status = this.writer.ends.settle({
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
