/**
 * Batches what workers stream (DESIGN §1: workers never write; the scheduler writes their events
 * in batched transactions). Messages are buffered per run and written together every ~200 ms and
 * whenever a run settles; the contract events go out after the transaction has committed, so a
 * client that reacts to an event by querying the store sees the data.
 */
import type { EventName, EventPayloads, PruneGroupReport } from '../../src-shared/contract'
import type { MetricPoint, RunProgress, WebGpuAdapter } from '../../src-shared/types'
import type { Store } from '../store/index'
import { isLocked, storageFailure } from '../store/storage-errors'
import type { LayerReport, WorkerMessage } from '../worker/protocol'

export type Emit = <E extends EventName>(event: E, payload: EventPayloads[E]) => void

type Level = 'info' | 'warn' | 'error'

/** Everything one run has sent since the last flush. */
export class RunEventBuffer {
  metrics: MetricPoint[] = []
  logs: { at: string; level: Level; message: string }[] = []
  artifacts: { kind: string; path: string; bytes: number; sha256: string; at: string }[] = []
  results: Record<string, number> | null = null
  layers: { phase: 'before' | 'after'; layers: LayerReport[] }[] = []
  groups: PruneGroupReport[] | null = null
  progress: RunProgress | null = null
  heartbeatAt: string | null = null
  backend: string | null = null
  adapter: WebGpuAdapter | null = null
  /** The last remote event (issue 17) among those buffered: stored once all of them are. */
  remoteSeq: { attempt: number; seq: number } | null = null

  constructor(readonly runId: number) {}

  /** Buffers a data message; returns false for control messages (ready, done, error). */
  add(message: WorkerMessage, at: string = new Date().toISOString()): boolean {
    switch (message.type) {
      case 'heartbeat':
        this.heartbeatAt = at
        return true
      case 'backend':
        this.backend = message.name
        this.adapter = message.adapter ?? null
        return true
      case 'progress': {
        const { type: _type, ...progress } = message
        this.progress = progress
        return true
      }
      case 'metric':
        this.metrics.push(...message.points)
        return true
      case 'artifact':
        this.artifacts.push({
          kind: message.kind,
          path: message.path,
          bytes: message.bytes,
          sha256: message.sha256,
          at,
        })
        return true
      case 'result':
        this.results = { ...(this.results ?? {}), ...message.results }
        return true
      case 'log':
        this.logs.push({ at, level: message.level, message: message.message })
        return true
      case 'layers':
        this.layers.push({ phase: message.phase, layers: message.layers })
        return true
      case 'groups':
        this.groups = message.groups
        return true
      case 'seq':
        this.remoteSeq = { attempt: message.attempt, seq: message.seq }
        return true
      default:
        return false
    }
  }

  get empty(): boolean {
    return (
      !this.metrics.length &&
      !this.logs.length &&
      !this.artifacts.length &&
      !this.layers.length &&
      this.groups === null &&
      this.results === null &&
      this.progress === null &&
      this.heartbeatAt === null &&
      this.backend === null &&
      this.remoteSeq === null
    )
  }

  /**
   * Writes the buffer (inside the caller's transaction). Returns the events to emit and what to
   * forget once the caller's transaction has COMMITTED: nothing is forgotten before, so a commit
   * that fails (a full disk, a lock) leaves every event buffered. At most `maxMetrics` points are
   * written; the rest stay for the next write.
   */
  write(store: Store, emit: Emit, maxMetrics = Infinity): { events: (() => void)[]; committed: () => void } {
    const runId = this.runId
    const events: (() => void)[] = []
    const written = Math.min(this.metrics.length, maxMetrics)
    // What this write covers: anything buffered later (after the commit) stays.
    const logs = this.logs.length
    const artifacts = this.artifacts.length
    const layers = this.layers.length
    const { results, progress, heartbeatAt, backend, groups } = this
    // Remote events count as stored only once every point they carried is.
    const remoteSeq = written === this.metrics.length ? this.remoteSeq : null
    if (remoteSeq) store.attempts.setStoredSeq(runId, remoteSeq.attempt, remoteSeq.seq)
    if (backend !== null) {
      store.runs.setBackend(runId, backend)
      store.runs.setAdapter(runId, this.adapter)
    }
    if (heartbeatAt !== null) store.runs.setHeartbeat(runId, heartbeatAt)
    if (written) {
      const points = written < this.metrics.length ? this.metrics.slice(0, written) : this.metrics
      store.metrics.add(runId, points)
      events.push(() => emit('run.metric', { runId, points }))
    }
    for (const a of this.artifacts) store.outputs.addArtifact(runId, a, a.at)
    if (results) store.outputs.setResults(runId, results)
    for (const l of this.layers) store.outputs.setLayers(runId, l.phase, l.layers)
    if (groups) store.groups.setGroups(runId, groups)
    for (const line of this.logs) {
      store.outputs.addLog(runId, line)
      events.push(() => emit('run.log', { runId, level: line.level, message: line.message }))
    }
    if (progress) {
      store.runs.setProgress(runId, progress)
      events.push(() => emit('run.progress', { runId, ...progress }))
    }
    const committed = (): void => {
      this.metrics = this.metrics.slice(written)
      this.logs = this.logs.slice(logs)
      this.artifacts = this.artifacts.slice(artifacts)
      this.layers = this.layers.slice(layers)
      if (this.results === results) this.results = null
      if (this.groups === groups) this.groups = null
      if (this.progress === progress) this.progress = null
      if (this.heartbeatAt === heartbeatAt) this.heartbeatAt = null
      if (this.backend === backend) this.backend = null
      if (remoteSeq && this.remoteSeq === remoteSeq) this.remoteSeq = null
    }
    return { events, committed }
  }

  /** Forgets everything buffered (after it was written, or refused). */
  clear(): void {
    this.metrics = []
    this.logs = []
    this.artifacts = []
    this.results = null
    this.layers = []
    this.groups = null
    this.progress = null
    this.heartbeatAt = null
    this.backend = null
    this.remoteSeq = null
  }
}

/** A run's batch that SQLite refused; `storage` is set when the database cannot be written at all. */
export interface Refusal {
  runId: number
  reason: string
  storage: string | null
}

/**
 * Writes every non-empty buffer, plus `also` (e.g. a status change, told which batches were
 * refused), in one IMMEDIATE transaction, then forgets what was written and emits the contract
 * events in order. Each run's batch is a savepoint of its own: a batch SQLite refuses for its
 * data is dropped and noted in that run's log, and never blocks the other runs' batches. A
 * database another connection has locked refuses the whole flush (`isLocked`): then nothing is
 * forgotten and the caller tries again later; so does a COMMIT that fails (a full disk), or a batch
 * whose error made SQLite roll back the whole transaction (checked, not assumed). With
 * `maxMetricsPerRun`, a run's surplus points stay buffered (so one flush never holds the event
 * loop for long). Returns the refused batches.
 */
export function flushBuffers(
  store: Store,
  emit: Emit,
  buffers: Iterable<RunEventBuffer>,
  also?: (refused: readonly Refusal[]) => (() => void)[],
  maxMetricsPerRun = Infinity,
): Refusal[] {
  const pending: (() => void)[] = []
  const committed: (() => void)[] = []
  const refused: Refusal[] = []
  store.writeTransaction(() => {
    for (const b of buffers) {
      if (b.empty) continue
      try {
        const written = store.transaction(() => b.write(store, emit, maxMetricsPerRun))
        pending.push(...written.events)
        committed.push(written.committed)
      } catch (err) {
        // Locked: nothing of this flush can be written now; keep every batch for the next try.
        // Rolled back as a whole (SQLite does that on SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM):
        // the batches before this one are gone too, and the next statements would each commit on
        // their own; so the whole flush fails with this error and every batch stays buffered.
        if (isLocked(err) || !store.db.inTransaction) throw err
        committed.push(() => b.clear())
        refused.push({
          runId: b.runId,
          reason: err instanceof Error ? err.message : String(err),
          storage: storageFailure(err),
        })
      }
    }
    for (const r of refused) {
      const message = `some events of this run could not be stored: ${r.reason}`
      try {
        store.transaction(() =>
          store.outputs.addLog(r.runId, { at: new Date().toISOString(), level: 'error', message }),
        )
      } catch (err) {
        if (isLocked(err) || !store.db.inTransaction) throw err
        // Not even a log line fits (the run is gone, the disk is full): the event is all that is left.
      }
      pending.push(() => emit('run.log', { runId: r.runId, level: 'error', message }))
    }
    if (also) pending.push(...also(refused))
  })
  for (const forget of committed) forget()
  for (const fire of pending) fire()
  return refused
}
