/**
 * The lab's side of remote workers (issue 17 item 1): a `WorkerLauncher` whose runs go to a
 * BullMQ queue on Redis instead of (or, with local slots, besides) a local process. The lab keeps
 * the dependencies: the scheduler hands a run over only once its teacher/parent model is stored,
 * and the job names that model by run id and sha256; the worker fetches it from the lab over the
 * stream. Retries, stalled-job detection and cancellation are BullMQ's; the lab only looks at a
 * job's state to learn that the queue gave up on it.
 */
import { hostname } from 'node:os'
import { createHash } from 'node:crypto'
import { dirname, relative } from 'node:path'
import { readFileSync } from 'node:fs'
import { Job, Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { modelRefs } from '../../../src-shared/spec/expand'
import type { RunRecord, Store } from '../../store/index'
import type { RunJob } from '../../worker/protocol'
import type { WorkerHandle, WorkerLauncher } from '../launcher'
import { warn } from '../options'
import { datasetFiles, recordFile } from './data-files'
import { EventConsumer } from './event-consumer'
import type { QueueWorker } from '../../../src-shared/contract/attempts'
import { bullConnection, parseQueueUrl, QUEUE_NAME, redactedUrl } from './queue-url'
import { listWorkers } from './worker-registry'
import { RemoteRun, type RemoteHost } from './remote-run'
import { CHUNK_BYTES, jobIdOf, keys, type RemoteJob, type WireEvent, type WireModel } from './wire'

export interface QueueLauncherOptions {
  url: string
  store: Store
  dataDir: string
  /** The lab's version: workers of another version refuse its jobs. */
  version: string
  /** Tries per run (a worker that dies hands the run on); default 3. */
  attempts?: number
  /** Runs trained here at the same time as the remote ones (`--concurrency` with `--queue`). */
  local?: { launcher: WorkerLauncher; slots: number }
  /** How often the lab looks whether the queue gave up on a job (default 1000 ms). */
  checkMs?: number
}

/** The lab's id on the queue: its host and database, so two labs on one Redis never mix. */
export function labIdOf(store: Store): string {
  return createHash('sha256').update(`${hostname()}\0${store.path}`).digest('hex').slice(0, 12)
}

/** How long a remote run's heartbeat shows the lab follows it (the queue decides what is dead). */
const HEARTBEAT_MS = 2000
/** How long the System page waits for Redis to list the workers. */
const WORKERS_WAIT_MS = 3000
/** A job the queue failed ends its run after this grace (its own error event may be on its way). */
const FAILED_GRACE_MS = 3000

export class QueueLauncher implements WorkerLauncher, RemoteHost {
  readonly queue = QUEUE_NAME
  readonly labId: string
  private readonly runs = new Map<number, RemoteRun>()
  private readonly failedSince = new Map<number, number>()
  private localRunning = 0
  private timers: NodeJS.Timeout[] = []

  private constructor(
    private readonly o: QueueLauncherOptions,
    private readonly bull: Queue,
    private readonly redis: Redis,
    private readonly consumer: EventConsumer,
  ) {
    this.labId = labIdOf(o.store)
  }

  /** Connects to the queue (throws a one-line error when Redis does not answer). */
  static async open(o: QueueLauncherOptions): Promise<QueueLauncher> {
    const address = parseQueueUrl(o.url)
    const redis = new Redis({ ...address.redis, lazyConnect: true })
    try {
      await redis.connect()
      await redis.ping()
    } catch (err) {
      redis.disconnect()
      throw new Error(`cannot reach the queue: ${err instanceof Error ? err.message : String(err)}`)
    }
    // ioredis reconnects by itself; an error while Redis is away is expected, not a crash.
    redis.on('error', () => {})
    const bull = new Queue(QUEUE_NAME, { connection: bullConnection(address) })
    bull.on('error', () => {})
    const reader = new Redis(address.redis).on('error', () => {})
    let launcher: QueueLauncher | null = null
    const consumer = new EventConsumer(reader, redis, {
      store: o.store,
      dataDir: o.dataDir,
      labId: labIdOf(o.store),
      run: (runId) => launcher?.runs.get(runId),
      holdsLock: (jobId, attempt, token) => launcher!.holdsLock(jobId, attempt, token),
      sendModel: (ev, modelRunId) => launcher!.sendModel(ev, modelRunId),
    })
    launcher = new QueueLauncher(o, bull, redis, consumer)
    return launcher
  }

  /** Starts taking up events (after the scheduler has taken up the runs left running). */
  async begin(): Promise<void> {
    await this.consumer.start()
    this.timers.push(setInterval(() => this.heartbeat(), HEARTBEAT_MS))
    this.timers.push(setInterval(() => void this.checkFailed(), this.o.checkMs ?? 1000))
    for (const t of this.timers) t.unref()
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    await this.consumer.stop()
    await this.bull.close().catch(() => {})
    this.redis.disconnect()
  }

  spawn(run?: RunRecord): WorkerHandle {
    if (!run) throw new Error('a remote run needs its record')
    const local = this.o.local
    if (local && run.status !== 'running' && this.localRunning < local.slots) {
      const handle = local.launcher.spawn(run)
      this.localRunning++
      handle.onExit(() => this.localRunning--)
      return handle
    }
    const remote = new RemoteRun(run, this)
    if (remote.adopted) remote.jobId = jobIdOf(this.labId, run.id, run.startedAt)
    this.runs.set(run.id, remote)
    return remote
  }

  enqueue(run: RemoteRun, job: RunJob): void {
    const record = this.o.store.runs.get(run.run.id)
    run.jobId = jobIdOf(this.labId, run.run.id, record?.startedAt ?? null)
    const jobId = run.jobId
    let data: RemoteJob
    try {
      data = this.jobData(run.run, job)
    } catch (err) {
      run.fail(err instanceof Error ? err.message : String(err))
      return
    }
    this.o.store.attempts.sendToQueue(run.run.id, QUEUE_NAME)
    // Adding a job id that is already there does nothing: a taken-up run is not sent twice.
    this.bull
      .add('run', data, {
        jobId,
        attempts: 1,
        removeOnComplete: { age: 24 * 3600 },
        removeOnFail: { age: 24 * 3600 },
      })
      .catch((err: unknown) => run.fail(`could not send the run to the queue: ${String(err)}`))
  }

  cancel(run: RemoteRun): void {
    const jobId = run.jobId
    if (!jobId) return
    // Waiting: removed from the queue. Running: every worker hears it, the one holding it stops.
    void this.redis.publish(keys.cancel, jobId).catch((err: unknown) => warn('broadcasting a cancel', err))
    void this.bull.remove(jobId).catch(() => {})
  }

  forget(run: RemoteRun): void {
    if (this.runs.get(run.run.id) === run) this.runs.delete(run.run.id)
    this.failedSince.delete(run.run.id)
  }

  /** What the job carries: config, backend, the models and files it needs (with sha256). */
  private jobData(run: RunRecord, job: RunJob): RemoteJob {
    const { store, dataDir } = this.o
    const { teachers, parent } = modelRefs(run.config.method)
    const model = (runId: number): WireModel => {
      const entry = store.outputs.modelArtifact(runId)
      if (!entry) throw new Error(`run #${runId} has no saved model (model.json)`)
      const folder = dirname(entry.path)
      const files = store.outputs
        .artifacts(runId)
        .filter((a) => a.kind === 'model' && dirname(a.path) === folder)
        .map((a) => ({ path: relative(folder, a.path), sha256: a.sha256, bytes: a.bytes }))
      return { runId, entry: relative(folder, entry.path), files }
    }
    const byRun = (refs: typeof teachers): WireModel[] => refs.flatMap((r) => ('runId' in r ? [model(r.runId)] : []))
    const imported = (refs: typeof teachers) =>
      refs.flatMap((r) => ('path' in r ? [recordFile(dataDir, r.path, 'file')] : []))
    return {
      labId: this.labId,
      version: this.o.version,
      runId: run.id,
      config: run.config,
      backend: job.backend,
      attempts: this.o.attempts ?? 3,
      teachers: byRun(teachers),
      parent: parent ? (byRun([parent])[0] ?? null) : null,
      importedTeachers: imported(teachers),
      importedParent: parent ? (imported([parent])[0] ?? null) : null,
      dataFiles: datasetFiles(dataDir, run.config),
    }
  }

  /** The queue's workers (the System page); throws when Redis does not answer in a few seconds. */
  async workers(): Promise<{ queue: string; workers: QueueWorker[] }> {
    let timer: NodeJS.Timeout | undefined
    const away = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the queue ${redactedUrl(this.o.url)} does not answer`)), WORKERS_WAIT_MS)
    })
    try {
      return { queue: redactedUrl(this.o.url), workers: await Promise.race([listWorkers(this.redis), away]) }
    } finally {
      clearTimeout(timer)
    }
  }

  /** The worker that sends `token` holds the job now, or held its last attempt before it ended. */
  private async holdsLock(jobId: string, attempt: number, token: string): Promise<boolean> {
    const lock = await this.redis.get(keys.lock(jobId))
    if (lock !== null) return lock === token
    const job = await Job.fromId(this.bull, jobId)
    return !!job?.finishedOn && job.attemptsStarted === attempt
  }

  /** Sends a finished run's model files on the asking attempt's reply stream, then `end`. */
  private async sendModel(ev: WireEvent, modelRunId: number): Promise<void> {
    const reply = keys.reply(ev.jobId, ev.attempt)
    const entry = this.o.store.outputs.modelArtifact(modelRunId)
    const pipe = this.redis.pipeline()
    if (entry) {
      const folder = dirname(entry.path)
      for (const a of this.o.store.outputs.artifacts(modelRunId)) {
        if (a.kind !== 'model' || dirname(a.path) !== folder) continue
        const bytes = readFileSync(a.path)
        for (let offset = 0; offset < Math.max(1, bytes.length); offset += CHUNK_BYTES) {
          const data = bytes.subarray(offset, offset + CHUNK_BYTES).toString('base64')
          pipe.xadd(reply, '*', 'e', JSON.stringify({ model: modelRunId, path: relative(folder, a.path), offset, data }))
        }
      }
    }
    pipe.xadd(reply, '*', 'e', JSON.stringify({ model: modelRunId, end: true, found: !!entry }))
    pipe.expire(reply, 3600)
    await pipe.exec()
  }

  private heartbeat(): void {
    for (const run of this.runs.values()) run.deliver({ type: 'heartbeat' })
  }

  /** A job the queue failed (stalled too often, refused) ends its run with the queue's reason. */
  private async checkFailed(): Promise<void> {
    const now = Date.now()
    for (const run of [...this.runs.values()]) {
      if (!run.jobId || run.exited) continue
      try {
        const state = await this.bull.getJobState(run.jobId)
        if (state !== 'failed') continue
        const since = this.failedSince.get(run.run.id) ?? now
        this.failedSince.set(run.run.id, since)
        if (now - since < FAILED_GRACE_MS) continue
        const job = await Job.fromId(this.bull, run.jobId)
        run.fail(`the queue gave up on the run: ${job?.failedReason || 'no reason given'}`)
      } catch {
        // Redis is away for a moment: look again next time.
      }
    }
  }
}
