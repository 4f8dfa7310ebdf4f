/**
 * The lab's side of the event stream (issue 17 item 2, 5): reads what remote workers send, in
 * order, through a consumer group, and acknowledges an entry only once the SQLite transaction
 * that stored it has committed (`run_event_seq` says so). An entry is taken only from the worker
 * that holds the job: the lock token it carries must be BullMQ's lock of that job. A restarted
 * lab reads its unacknowledged entries first; each (run, attempt, seq) is stored once. Artifact
 * chunks are written into the run's folder and checked by sha256; nothing a worker sends is run.
 */
import { mkdirSync, openSync, writeSync, closeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Redis } from 'ioredis'
import { runArtifactDir } from '../../store/data-folder'
import type { Store } from '../../store/index'
import { warn } from '../options'
import type { RemoteRun } from './remote-run'
import { confinedRelative, fileSha256, keys, LAB_GROUP, type WireEvent } from './wire'

export interface ConsumerHost {
  store: Store
  dataDir: string
  labId: string
  /** The remote run of `runId` this lab follows, if any. */
  run(runId: number): RemoteRun | undefined
  /** Whether `token` is the lock of `jobId` for `attempt` (BullMQ's lock, or its last attempt). */
  holdsLock(jobId: string, attempt: number, token: string): Promise<boolean>
  /** Answers a worker's request for a model's files on its reply stream. */
  sendModel(ev: WireEvent, modelRunId: number): Promise<void>
}

interface Pending {
  id: string
  runId: number
  attempt: number
  seq: number
}

const CONSUMER = 'lab'

export class EventConsumer {
  private stopped = false
  private readonly pending: Pending[] = []
  private readonly ackNow: string[] = []
  /** Last seq handed to the scheduler per `run:attempt` (stored or about to be). */
  private readonly delivered = new Map<string, number>()
  private readonly tokens = new Map<string, string>()
  private ackTimer: NodeJS.Timeout | null = null
  private loop: Promise<void> | null = null

  constructor(
    private readonly reader: Redis,
    private readonly writer: Redis,
    private readonly host: ConsumerHost,
    private readonly ackEveryMs = 100,
  ) {}

  async start(): Promise<void> {
    const stream = keys.events(this.host.labId)
    try {
      await this.writer.xgroup('CREATE', stream, LAB_GROUP, '0', 'MKSTREAM')
    } catch (err) {
      if (!String(err).includes('BUSYGROUP')) throw err
    }
    this.ackTimer = setInterval(() => void this.ack(), this.ackEveryMs)
    this.loop = this.read(stream)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.ackTimer) clearInterval(this.ackTimer)
    this.reader.disconnect()
    await this.loop?.catch(() => {})
    await this.ack().catch(() => {})
  }

  /** Unacknowledged entries of an earlier life first (id 0), then new ones (>). */
  private async read(stream: string): Promise<void> {
    // Reading history (entries delivered before and not acknowledged) until it runs dry.
    let history = true
    let from = '0'
    while (!this.stopped) {
      let reply: [string, [string, string[]][]][] | null
      try {
        reply = (await this.reader.xreadgroup(
          'GROUP', LAB_GROUP, CONSUMER, 'COUNT', 1000, 'BLOCK', 1000, 'STREAMS', stream, from,
        )) as [string, [string, string[]][]][] | null
      } catch (err) {
        if (this.stopped) return
        warn('reading the queue’s event stream', err)
        await new Promise((r) => setTimeout(r, 500))
        continue
      }
      const entries = reply?.[0]?.[1] ?? []
      if (history && entries.length === 0) {
        history = false
        from = '>'
      }
      for (const [id, fields] of entries) {
        if (history) from = id
        await this.take(id, fields).catch((err: unknown) => {
          warn(`a remote event could not be taken (${id})`, err)
          this.ackNow.push(id)
        })
      }
    }
  }

  private async take(id: string, fields: string[]): Promise<void> {
    const text = fields[fields.indexOf('e') + 1]
    const ev = JSON.parse(text ?? 'null') as WireEvent | null
    const run = ev ? this.host.run(ev.runId) : undefined
    // An event of a run this lab does not follow (it ended, or was cancelled): nothing to store.
    if (!ev || !run || run.exited || run.jobId !== ev.jobId) {
      this.ackNow.push(id)
      return
    }
    const key = `${ev.runId}:${ev.attempt}`
    if (!(await this.tokenHolds(ev, key))) {
      warn(`run #${ev.runId}`, new Error(`refused an event from ${ev.worker}: it does not hold the job's lock`))
      this.ackNow.push(id)
      return
    }
    const { store } = this.host
    const current = store.attempts.placement(ev.runId)?.attempt ?? 1
    // An earlier attempt's worker no longer holds the run: what it still sends is not kept.
    if (ev.attempt < current) {
      this.ackNow.push(id)
      return
    }
    if (!this.delivered.has(key)) this.delivered.set(key, store.attempts.storedSeq(ev.runId, ev.attempt))
    if (ev.seq <= this.delivered.get(key)!) {
      this.ackNow.push(id)
      return
    }
    if (ev.attempt > current) await this.beginAttempt(ev, current)
    this.delivered.set(key, ev.seq)
    this.pending.push({ id, runId: ev.runId, attempt: ev.attempt, seq: ev.seq })
    await this.apply(run, ev)
  }

  private async tokenHolds(ev: WireEvent, key: string): Promise<boolean> {
    const known = this.tokens.get(key)
    if (known !== undefined) return known === ev.token
    if (!(await this.host.holdsLock(ev.jobId, ev.attempt, ev.token))) return false
    this.tokens.set(key, ev.token)
    return true
  }

  /** A new attempt: the earlier one's events are stored first, so the two never mix. */
  private async beginAttempt(ev: WireEvent, previous: number): Promise<void> {
    const { store } = this.host
    const last = this.delivered.get(`${ev.runId}:${previous}`) ?? 0
    for (let i = 0; i < 200 && store.attempts.storedSeq(ev.runId, previous) < last; i++)
      await new Promise((r) => setTimeout(r, 50))
    const before = store.attempts.placement(ev.runId)
    store.transaction(() => {
      store.attempts.beginAttempt(ev.runId, ev.attempt, ev.worker)
      store.outputs.addLog(ev.runId, {
        at: new Date().toISOString(),
        level: 'warn',
        message: `attempt ${ev.attempt} on worker ${ev.worker}: attempt ${previous}${before?.worker ? ` on ${before.worker}` : ''} stopped`,
      })
    })
  }

  private async apply(run: RemoteRun, ev: WireEvent): Promise<void> {
    const seq = (): void => run.deliver({ type: 'seq', attempt: ev.attempt, seq: ev.seq })
    switch (ev.kind) {
      case 'start':
        this.host.store.attempts.beginAttempt(ev.runId, ev.attempt, ev.worker)
        seq()
        run.deliver({ type: 'log', level: 'info', message: `attempt ${ev.attempt} on worker ${ev.worker} (${ev.host})` })
        return
      case 'message':
        // Only what a run worker reports; the stream's own bookkeeping is the lab's.
        if (ev.message.type === 'seq' || ev.message.type === 'ready') return seq()
        seq()
        run.deliver(ev.message)
        return
      case 'chunk':
        this.writeChunk(ev.runId, ev.path, ev.offset, Buffer.from(ev.data, 'base64'))
        return seq()
      case 'artifact': {
        const path = this.artifactPath(ev.runId, ev.path)
        seq()
        if (fileSha256(path) !== ev.sha256)
          return run.fail(`artifact ${ev.path} from worker ${ev.worker} arrived damaged (its sha256 differs)`)
        run.deliver({ type: 'artifact', kind: ev.artifactKind, path, bytes: ev.bytes, sha256: ev.sha256 })
        return
      }
      case 'fetch':
        await this.host.sendModel(ev, ev.modelRunId)
        return seq()
    }
  }

  private artifactPath(runId: number, rel: string): string {
    const safe = confinedRelative(rel)
    if (!safe) throw new Error(`an artifact path that leaves the run's folder: ${JSON.stringify(rel)}`)
    return resolve(runArtifactDir(this.host.dataDir, runId), safe)
  }

  private writeChunk(runId: number, rel: string, offset: number, data: Buffer): void {
    const path = this.artifactPath(runId, rel)
    mkdirSync(dirname(path), { recursive: true })
    // The first chunk starts the file afresh (an earlier attempt may have left a longer one).
    const fd = openSync(path, offset === 0 ? 'w' : 'r+')
    try {
      writeSync(fd, data, 0, data.length, offset)
    } finally {
      closeSync(fd)
    }
  }

  /** Acknowledges (and deletes) every entry whose event is stored, or that needs no storing. */
  private async ack(): Promise<void> {
    const { store } = this.host
    const done: string[] = this.ackNow.splice(0)
    const stored = new Map<string, number>()
    const running = new Map<number, boolean>()
    for (let i = 0; i < this.pending.length; ) {
      const p = this.pending[i]
      const key = `${p.runId}:${p.attempt}`
      if (!stored.has(key)) stored.set(key, store.attempts.storedSeq(p.runId, p.attempt))
      if (!running.has(p.runId)) running.set(p.runId, store.runs.get(p.runId)?.status === 'running')
      if (stored.get(key)! >= p.seq || !running.get(p.runId)) {
        done.push(p.id)
        this.pending.splice(i, 1)
      } else i++
    }
    if (!done.length) return
    const stream = keys.events(this.host.labId)
    try {
      await this.writer.pipeline().xack(stream, LAB_GROUP, ...done).xdel(stream, ...done).exec()
    } catch (err) {
      // Redis is away: the entries stay pending and are acknowledged next time.
      this.ackNow.push(...done)
      warn('acknowledging remote events', err)
    }
  }
}
