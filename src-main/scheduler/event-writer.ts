/**
 * Writes what the workers stream (DESIGN §1: workers never write; the scheduler writes their
 * events in batched transactions): a flush every ~200 ms, sized so that one flush holds the event
 * loop about FLUSH_TARGET_MS, the surplus written right after pending I/O. Refusals are told to
 * the scheduler (a full disk fails the runs), a lock is waited out (see `RunEnds`).
 */
import type { Store } from '../store/index'
import { isLocked, storageFailure } from '../store/storage-errors'
import type { ActiveRun } from './active-run'
import { flushBuffers, type Emit, type Refusal } from './event-buffer'
import { RunEnds, type RunEnd } from './run-ends'
import { warn } from './options'

/**
 * How long one flush may hold the event loop. A flush is one synchronous transaction; the number
 * of metric points it writes adapts so that it takes about this long on this machine, keeping the
 * lab answering while workers stream faster than the disk takes them.
 */
const FLUSH_TARGET_MS = 20
const FLUSH_POINTS_MIN = 500
const FLUSH_POINTS_MAX = 100_000

/** What the writer needs of the scheduler. */
export interface WriterHost {
  /** The runs in a worker now. */
  readonly active: ReadonlyMap<number, ActiveRun>
  /** A run that reported its end has all its points written but a flush's worth: settle it. */
  settleEnded(active: ActiveRun): void
  /** The database cannot store this run's events at all (a full disk). */
  failForStorage(active: ActiveRun, reason: string): void
  /** The lock outlasted the wait: the run fails saying `reason`, its events kept for later. */
  failLocked(active: ActiveRun, reason: string): void
  /** An end that had to wait is stored. */
  endStored(end: RunEnd): void
}

export class EventWriter {
  /** Ends of runs that wait to be stored (a locked or full database). */
  readonly ends: RunEnds
  /** Metric points the next flush writes (all runs together), adapted to FLUSH_TARGET_MS. */
  private flushPoints = 5000
  private timer: NodeJS.Timeout | null = null
  private catchUp: NodeJS.Immediate | null = null

  constructor(
    private readonly store: Store,
    private readonly emit: Emit,
    private readonly host: WriterHost,
    lockWaitMs: number,
  ) {
    this.ends = new RunEnds(store, emit, lockWaitMs, (end) => host.endStored(end))
  }

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => this.flush(), intervalMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (this.catchUp) clearImmediate(this.catchUp)
    this.catchUp = null
  }

  /** True when `points` buffered points fit one flush. */
  fits(points: number): boolean {
    return points <= this.flushPoints
  }

  /** Writes the next slice as soon as pending I/O has run. */
  flushSoon(): void {
    if (this.catchUp || !this.timer) return
    this.catchUp = setImmediate(() => {
      this.catchUp = null
      if (this.timer) this.flush()
    })
  }

  flush(): void {
    // While another program holds the lock, try again only after a pause (see RunEnds.locked).
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
    for (const a of [...this.host.active.values()]) {
      if (a.ending && !a.settled && this.fits(a.buffer.metrics.length)) this.host.settleEnded(a)
    }
    // Points left over (a fast stream): write the next slice as soon as pending I/O has run.
    if ([...this.host.active.values()].some((a) => a.buffer.metrics.length > 0)) this.flushSoon()
  }

  /** Writes one budget of what the workers sent; false when the database refused the write. */
  private writeBuffers(): boolean {
    const active = [...this.host.active.values()].filter((a) => !a.buffer.empty)
    if (!active.length) return true
    let refused: Refusal[]
    const budget = Math.max(1, Math.floor(this.flushPoints / active.length))
    const waiting = active.reduce((n, a) => n + Math.min(budget, a.buffer.metrics.length), 0)
    const began = performance.now()
    try {
      refused = flushBuffers(this.store, this.emit, active.map((a) => a.buffer), undefined, budget)
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
      for (const a of active) this.host.failForStorage(a, storage)
      return false
    }
    this.ends.written()
    for (const r of refused) {
      const a = this.host.active.get(r.runId)
      if (a && r.storage) this.host.failForStorage(a, r.storage)
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

  /**
   * The database has been locked by another program for `lockWaitMs`: runs still training are
   * stopped and fail saying so; runs that ended are announced as failed. What they sent stays
   * buffered and is written when the lock goes.
   */
  private checkLockDeadline(): void {
    if (!this.ends.overdue()) return
    const reason = this.ends.lockFailure()
    for (const a of [...this.host.active.values()]) if (!a.settled) this.host.failLocked(a, reason)
    this.ends.announceOverdue()
  }
}
