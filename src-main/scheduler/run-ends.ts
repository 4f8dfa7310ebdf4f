/**
 * Storing the end of a run: its last events and its status, in one transaction, so that a run is
 * `finished` only once its results are stored (docs/reliability.md).
 *
 * When another program holds the database's write lock (an `sqlite3` shell inside a transaction,
 * a DB browser, a backup), an end waits here with every event it carries and is written when the
 * lock goes; the status event goes out only then. After `lockWaitMs` of lock the runs fail saying
 * so: the status event goes out at once, and the status is stored with the events when the lock
 * goes. When the database cannot be written at all (a full disk, a read-only file), a run that
 * ended as `finished` fails with that reason, and its status is tried again at every flush.
 */
import type { Store } from '../store/index'
import { isLocked, storageFailure } from '../store/storage-errors'
import { flushBuffers, type Emit, type Refusal, type RunEventBuffer } from './event-buffer'
import type { TerminalStatus } from './run-queue'
import { warn } from './options'

/** A run whose end is decided; kept until it is stored. */
export interface RunEnd {
  runId: number
  experimentId: number
  buffer: RunEventBuffer
  status: TerminalStatus
  error: string | null
  /** Its status event went out before it was stored (the lock lasted too long, or no room). */
  announced: boolean
  /** Why it waits: a lock (written when it goes) or a database that refuses every write. */
  cause: 'locked' | 'unwritable' | null
}

type Outcome = 'stored' | 'locked' | 'unwritable'

/** `2 s`, `120 s`. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`
}

export class RunEnds {
  private readonly pending = new Map<number, RunEnd>()
  private lockedSince: number | null = null
  private backoffMs = 0
  private nextTryAt = 0
  private lockWarned = false

  constructor(
    private readonly store: Store,
    private readonly emit: Emit,
    private readonly lockWaitMs: number,
    /** Called once an end that had to wait is stored. */
    private readonly onStored: (end: RunEnd) => void,
  ) {}

  /** The reason a run fails with when the lock outlasted `lockWaitMs`. */
  lockFailure(): string {
    return `the database was locked by another program for ${seconds(this.lockWaitMs)}: this run's events could not be stored; they are written when the lock is released`
  }

  /** A write was refused because another connection holds the lock. */
  locked(now = Date.now()): void {
    if (this.lockedSince === null) {
      this.lockedSince = now
      this.backoffMs = 0
    }
    // Try again soon, then less often: each try holds the event loop for the busy timeout.
    this.backoffMs = Math.min(1000, Math.max(100, this.backoffMs * 2))
    this.nextTryAt = now + this.backoffMs
    if (!this.lockWarned) {
      this.lockWarned = true
      warn(
        'the database is locked by another program',
        new Error(
          `the runs' events are kept and written when it is released; runs fail after ${seconds(this.lockWaitMs)}`,
        ),
      )
    }
  }

  /** A write went through: whatever lock there was is gone. */
  written(): void {
    if (this.lockedSince !== null) warn('the database lock was released', new Error('writing again'))
    this.lockedSince = null
    this.backoffMs = 0
    this.nextTryAt = 0
    this.lockWarned = false
  }

  /** True while the database is locked and the next try should wait a little. */
  waiting(now = Date.now()): boolean {
    return this.lockedSince !== null && now < this.nextTryAt
  }

  /** True once the lock has lasted `lockWaitMs`. */
  overdue(now = Date.now()): boolean {
    return this.lockedSince !== null && now - this.lockedSince >= this.lockWaitMs
  }

  /** The status a run ended with while it waits to be stored (undefined when it does not wait). */
  status(runId: number): TerminalStatus | undefined {
    return this.pending.get(runId)?.status
  }

  has(runId: number): boolean {
    return this.pending.has(runId)
  }

  /** Ends that the database refuses outright (of one experiment): they are not coming. */
  unwritable(experimentId?: number): number {
    let n = 0
    for (const end of this.pending.values())
      if (end.cause === 'unwritable' && (experimentId === undefined || end.experimentId === experimentId)) n++
    return n
  }

  /** Stores a run's end now, or keeps it to store later. Returns the status it ends with. */
  settle(end: RunEnd): TerminalStatus {
    const outcome = this.write(end)
    if (outcome !== 'stored') {
      this.pending.set(end.runId, end)
      if (outcome === 'locked' && this.overdue()) this.announceOverdue()
    }
    return end.status
  }

  /** Tries again to store every end that waits (each flush); stops at the first lock. */
  retry(): void {
    for (const end of [...this.pending.values()]) {
      const outcome = this.write(end)
      if (outcome === 'locked') return
      if (outcome !== 'stored') continue
      this.pending.delete(end.runId)
      if (end.cause === 'locked')
        warn(`events of run #${end.runId} held during the lock are stored`, new Error(`it is ${end.status}`))
      this.onStored(end)
    }
  }

  /** Tries until nothing waits for a lock, or `ms` have passed (a lab that stops). */
  async drain(ms: number): Promise<void> {
    const until = Date.now() + ms
    while ([...this.pending.values()].some((e) => e.cause === 'locked') && Date.now() < until) {
      this.retry()
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  /** The lock lasted too long: every waiting end that was not announced fails, and says so. */
  announceOverdue(): void {
    for (const end of this.pending.values()) {
      if (end.announced || end.cause !== 'locked') continue
      if (end.status === 'finished') {
        end.status = 'failed'
        end.error = this.lockFailure()
      }
      this.announce(end)
    }
  }

  private announce(end: RunEnd): void {
    end.announced = true
    this.emit('run.status', { runId: end.runId, status: end.status, error: end.error })
  }

  private write(end: RunEnd): Outcome {
    const settle = (refused: readonly Refusal[]): (() => void)[] => {
      const storage = refused.find((r) => r.runId === end.runId && r.storage)?.storage
      if (storage) this.unstored(end, storage)
      const changed = this.store.runs.settle(end.runId, end.status, end.error)
      return changed && !end.announced
        ? [() => this.emit('run.status', { runId: end.runId, status: end.status, error: end.error })]
        : []
    }
    try {
      flushBuffers(this.store, this.emit, [end.buffer], settle)
      this.written()
      return 'stored'
    } catch (err) {
      return isLocked(err) ? this.lockedOut(end) : this.writeStatusOnly(end, err)
    }
  }

  /**
   * The last events could not be written (disk full, or another refusal): the status must still
   * be, and a run whose results are lost does not read `finished`.
   */
  private writeStatusOnly(end: RunEnd, err: unknown): Outcome {
    warn(`could not write the last events of run #${end.runId}`, err)
    const storage = storageFailure(err)
    if (storage && !end.buffer.empty) this.unstored(end, storage)
    end.buffer.clear()
    try {
      const changed = this.withRoom(() => this.store.runs.settle(end.runId, end.status, end.error))
      // SQLite may have rolled the whole transaction back and written the status on its own.
      const now = this.store.runs.get(end.runId)?.status
      if (!end.announced && (changed || now === end.status)) this.announce(end)
      return 'stored'
    } catch (again) {
      if (isLocked(again)) return this.lockedOut(end)
      // Not even the status can be written: say it to the clients, and keep trying.
      warn(`could not record the end of run #${end.runId}`, again)
      end.cause = 'unwritable'
      if (!end.announced) this.announce(end)
      return 'unwritable'
    }
  }

  private lockedOut(end: RunEnd): Outcome {
    end.cause = 'locked'
    this.locked()
    return 'locked'
  }

  private unstored(end: RunEnd, reason: string): void {
    if (end.status !== 'finished') return
    end.status = 'failed'
    end.error = `${reason}; the run's last results were not stored`
  }

  /** Runs a small write; if the database is out of room, frees what the WAL holds and tries once more. */
  private withRoom<T>(write: () => T): T {
    try {
      return write()
    } catch (err) {
      if (!storageFailure(err) || !this.store.reclaimSpace()) throw err
      return write()
    }
  }
}
