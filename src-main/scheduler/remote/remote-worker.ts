/**
 * `complab worker --queue URL` (issue 17 item 1): pulls runs from the lab's BullMQ queue and
 * trains each in a child process (the lab's own run worker, forked), `concurrency` at a time.
 * It listens for cancels on a Redis channel every worker hears (BullMQ cancels only inside the
 * process that runs a job), lists itself in the workers' registry, and stops a run whose lock it
 * lost (the queue has given it to another worker).
 */
import { hostname } from 'node:os'
import { resolve } from 'node:path'
import { WaitingError, Worker, type Job } from 'bullmq'
import { Redis } from 'ioredis'
import { forkLauncher } from '../fork-launcher'
import { bullConnection, parseQueueUrl, QUEUE_NAME } from './queue-url'
import { runRemoteJob, type WorkerContext } from './worker-job'
import { describeAdapter } from '../../../src-shared/webgpu-adapter'
import { keys, type RemoteJob } from './wire'
import { registerWorker, type WorkerEntry } from './worker-registry'

/** How long closing waits for the runs in hand to be handed back before it lets go anyway. */
const CLOSE_WAIT_MS = 10_000

export interface RemoteWorkerOptions {
  url: string
  name?: string
  concurrency?: number
  backend?: string
  dataDir: string
  version: string
  /** BullMQ's lock duration: a worker silent this long is presumed dead (default 30 s). */
  lockMs?: number
  /** How often workers look for stalled jobs (default: lockMs / 2). */
  stalledMs?: number
  say?: (line: string) => void
}

export interface RemoteWorker {
  readonly name: string
  /** The runs it trains now. */
  current(): number[]
  /** Takes no new run; resolves once the runs in hand have finished or were handed back. */
  stop(): Promise<void>
  /** Hands the runs in hand back to the queue now: another worker takes each up as its next attempt. */
  handBack(): void
  /** Hands back what it holds, stops, and leaves the registry. */
  close(): Promise<void>
}

export async function startRemoteWorker(o: RemoteWorkerOptions): Promise<RemoteWorker> {
  const address = parseQueueUrl(o.url)
  const name = o.name ?? `${hostname()}-${process.pid}`
  const say = o.say ?? (() => {})
  // ioredis reconnects by itself (and keeps the commands meanwhile): an error is only said once.
  let away = false
  const onError = (err: Error): void => {
    if (!away) say(`queue unreachable, buffering: ${err.message}`)
    away = true
  }
  const redis = new Redis(address.redis).on('error', onError).on('ready', () => (away = false))
  const sub = new Redis(address.redis).on('error', onError)
  const launcher = forkLauncher()
  const entry: WorkerEntry = {
    name,
    host: hostname(),
    pid: process.pid,
    backend: o.backend ?? 'best available',
    adapter: null,
    version: o.version,
    current: [],
    done: 0,
    failed: 0,
    heartbeatAt: '',
  }
  const ctx: WorkerContext = {
    redis, name, version: o.version, dataDir: resolve(o.dataDir), backend: o.backend, launcher,
    // What its runs train on, for the registry (the System page, `complab workers`).
    trainsOn: (backend, adapter) => {
      entry.backend = backend
      entry.adapter = adapter ? describeAdapter(adapter) : null
    },
  }
  const registry = registerWorker(redis, entry)
  const lockMs = o.lockMs ?? 30_000
  /** The runs in hand, each with what hands it back to the queue. */
  const holding = new Map<number, AbortController>()
  const worker: Worker<RemoteJob> = new Worker<RemoteJob>(
    QUEUE_NAME,
    async (job: Job<RemoteJob>, token?: string, signal?: AbortSignal) => {
      const runId = job.data.runId
      entry.current.push(runId)
      registry.beat()
      const back = new AbortController()
      holding.set(runId, back)
      say(`run #${runId} (attempt ${job.attemptsStarted}) started`)
      try {
        await runRemoteJob(ctx, job, token ?? '', signal ? AbortSignal.any([signal, back.signal]) : back.signal)
        entry.done++
        say(`run #${runId} finished`)
      } catch (err) {
        if (back.signal.aborted && !signal?.aborted) {
          // Handed back: the job waits again; the next worker to take it starts the next attempt.
          await job.moveToWait(token)
          say(`run #${runId} handed back to the queue: another worker takes it up as attempt ${job.attemptsStarted + 1}`)
          throw new WaitingError()
        }
        entry.failed++
        say(`run #${runId} ended: ${err instanceof Error ? err.message : String(err)}`)
        throw err
      } finally {
        holding.delete(runId)
        entry.current = entry.current.filter((id) => id !== runId)
        registry.beat()
      }
    },
    {
      connection: bullConnection(address),
      concurrency: Math.max(1, o.concurrency ?? 1),
      name,
      lockDuration: lockMs,
      stalledInterval: o.stalledMs ?? Math.max(500, Math.floor(lockMs / 2)),
      // The job decides how many tries a run gets (`attempts`), not the stalled counter.
      maxStalledCount: 1000,
    },
  )
  worker.on('error', (err) => {
    if (!/ECONNREFUSED|ECONNRESET|Connection is closed/.test(err.message)) say(`queue: ${err.message}`)
  })
  // Its lock is gone: the queue gives the run to another worker; this copy stops.
  worker.on('lockRenewalFailed', (ids) => ids.forEach((id) => worker.cancelJob(id, 'lock lost')))
  await sub.subscribe(keys.cancel)
  sub.on('message', (_channel: string, jobId: string) => {
    if (worker.cancelJob(jobId, 'cancelled by the lab')) say(`job ${jobId} cancelled by the lab`)
  })
  await worker.waitUntilReady()
  say(`worker ${name} takes runs from the queue (concurrency ${o.concurrency ?? 1})`)
  const handBack = (): void => holding.forEach((c) => c.abort())
  const stop = (): Promise<void> => worker.close().catch(() => {})
  return {
    name,
    current: () => [...holding.keys()],
    stop,
    handBack,
    async close() {
      handBack()
      // A hand-back needs Redis: while it is away, the lock's expiry hands the run on instead.
      let timer: NodeJS.Timeout | undefined
      await Promise.race([stop(), new Promise((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))])
      clearTimeout(timer)
      registry.stop()
      await registry.remove()
      sub.disconnect()
      redis.disconnect()
    },
  }
}
