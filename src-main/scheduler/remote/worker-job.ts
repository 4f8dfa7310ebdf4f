/**
 * One run on a remote worker (issue 17 items 1–3): check the job (the lab's version, the tries
 * left), the user files under `--data-dir`, fetch the teacher/parent models from the lab (sha256
 * checked), then train in a child process exactly as the lab's own workers do (the same entry,
 * forked), so the training never blocks the queue's lock renewal. Everything the child reports
 * goes to the lab's stream; its artifacts follow in chunks.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, relative, resolve } from 'node:path'
import type { Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { WebGpuAdapter } from '../../../src-shared/types'
import type { RunJob, WorkerMessage } from '../../worker/protocol'
import type { WorkerLauncher } from '../launcher'
import { checkWorkerFile } from './data-files'
import { EventOut } from './event-out'
import { confinedRelative, fileSha256, keys, type RemoteJob, type WireModel } from './wire'

export interface WorkerContext {
  redis: Redis
  name: string
  version: string
  dataDir: string
  backend?: string
  launcher: WorkerLauncher
  /** A run said which backend (and webgpu adapter) it trains on. */
  trainsOn?: (backend: string, adapter: WebGpuAdapter | null) => void
}

/** A run that cannot start here; its message goes to the lab as the run's error. */
class JobRefused extends Error {}

/** Trains `job`; resolves when the lab has every event (the job then completes). */
export async function runRemoteJob(ctx: WorkerContext, job: Job<RemoteJob>, token: string, signal?: AbortSignal): Promise<void> {
  const d = job.data
  const attempt = job.attemptsStarted
  const out = new EventOut(ctx.redis, d.labId, { jobId: job.id!, runId: d.runId, attempt, token, worker: ctx.name })
  out.send({ kind: 'start', host: hostname() })
  try {
    const runJob = await prepare(ctx, job, out, attempt)
    await train(ctx, runJob, out, signal)
  } catch (err) {
    if (!signal?.aborted) {
      const message = err instanceof Error ? err.message : String(err)
      out.send({ kind: 'message', message: { type: 'error', message } })
    }
    await out.flush()
    throw err
  }
  await out.flush()
}

/** Why this worker does not train `d` (another version, no tries left), or null. */
export function jobRefusal(d: Pick<RemoteJob, 'version' | 'runId' | 'attempts'>, ctx: Pick<WorkerContext, 'name' | 'version'>, attempt: number): string | null {
  if (d.version !== ctx.version)
    return `worker ${ctx.name} runs complab ${ctx.version} and the lab ${d.version}: it refuses runs of another version`
  if (attempt > d.attempts)
    return `run #${d.runId} was tried ${d.attempts} time${d.attempts === 1 ? '' : 's'}: each time the worker holding it stopped (the queue found the job stalled)`
  return null
}

async function prepare(ctx: WorkerContext, job: Job<RemoteJob>, out: EventOut, attempt: number): Promise<RunJob> {
  const d = job.data
  const refused = jobRefusal(d, ctx, attempt)
  if (refused) throw new JobRefused(refused)
  for (const f of d.dataFiles) checkWorkerFile(ctx.dataDir, f, ctx.name)
  const base = resolve(ctx.dataDir, 'remote', d.labId)
  const artifactDir = resolve(base, `run-${d.runId}`)
  mkdirSync(artifactDir, { recursive: true })
  const fetcher = new ModelFetcher(ctx, job.id!, attempt, resolve(base, 'models'), out)
  const local: RunJob = { runId: d.runId, config: d.config, artifactDir, dataDir: ctx.dataDir }
  const backend = ctx.backend ?? d.backend
  if (backend) local.backend = backend
  const teachers: string[] = []
  for (const m of d.teachers) teachers.push(await fetcher.fetch(m))
  for (const f of d.importedTeachers) teachers.push(checkWorkerFile(ctx.dataDir, f, ctx.name))
  if (teachers.length) local.teacherModelPaths = teachers
  if (d.parent) local.parentModelPath = await fetcher.fetch(d.parent)
  if (d.importedParent) local.parentModelPath = checkWorkerFile(ctx.dataDir, d.importedParent, ctx.name)
  await fetcher.close()
  return local
}

/** Runs the job in a child process; its messages go to the lab, its artifacts in chunks. */
function train(ctx: WorkerContext, job: RunJob, out: EventOut, signal?: AbortSignal): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = ctx.launcher.spawn()
    let ended = false
    const end = (err: Error | null): void => {
      if (ended) return
      ended = true
      child.kill()
      if (err) reject(err)
      else resolveRun()
    }
    signal?.addEventListener('abort', () => end(new Error('cancelled by the lab')))
    child.onExit((code, sig) => end(new Error(`the run's process exited (${sig ?? `code ${code}`}) before it finished`)))
    child.onMessage((m: WorkerMessage) => {
      if (ended) return
      switch (m.type) {
        case 'ready':
          return child.send({ type: 'start', job })
        case 'artifact': {
          const rel = confinedRelative(relative(job.artifactDir, m.path).split('\\').join('/'))
          if (rel) out.sendFile(m.path, rel, m.kind, m.sha256)
          return
        }
        case 'done':
          out.send({ kind: 'message', message: m })
          return end(null)
        case 'backend':
          ctx.trainsOn?.(m.name, m.adapter ?? null)
          out.send({ kind: 'message', message: m })
          return
        case 'error':
          // Sent by `runRemoteJob` as the run's error.
          return end(new Error(m.message))
        default:
          out.send({ kind: 'message', message: m })
      }
    })
  })
}

/** Fetches models from the lab through the stream: a request, then chunks on the reply stream. */
class ModelFetcher {
  private reader: Redis | null = null
  private lastId = '0'

  constructor(
    private readonly ctx: WorkerContext,
    private readonly jobId: string,
    private readonly attempt: number,
    private readonly cache: string,
    private readonly out: EventOut,
  ) {}

  /** The model's entry file on this machine, fetched unless a copy with the same sha256 is here. */
  async fetch(model: WireModel): Promise<string> {
    const folder = resolve(this.cache, `run-${model.runId}`)
    const paths = model.files.map((f) => {
      const rel = confinedRelative(f.path)
      if (!rel) throw new JobRefused(`model file ${JSON.stringify(f.path)} leaves its folder`)
      return resolve(folder, rel)
    })
    const intact = (): boolean => model.files.every((f, i) => existsSync(paths[i]) && fileSha256(paths[i]) === f.sha256)
    if (!intact()) {
      await this.receive(model.runId, folder)
      if (!intact()) throw new Error(`the model of run #${model.runId} arrived on worker ${this.ctx.name} damaged (sha256 differs)`)
    }
    return resolve(folder, confinedRelative(model.entry) ?? 'model.json')
  }

  private async receive(modelRunId: number, folder: string): Promise<void> {
    this.reader ??= this.ctx.redis.duplicate().on('error', () => {})
    this.out.send({ kind: 'fetch', modelRunId })
    const files = new Map<string, Buffer[]>()
    for (;;) {
      const reply = (await this.reader.xread('BLOCK', 5000, 'STREAMS', keys.reply(this.jobId, this.attempt), this.lastId)) as
        | [string, [string, string[]][]][]
        | null
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        this.lastId = id
        const e = JSON.parse(fields[1]) as { model: number; path?: string; offset?: number; data?: string; end?: boolean; found?: boolean }
        if (e.model !== modelRunId) continue
        if (e.end) {
          if (!e.found) throw new JobRefused(`the lab has no saved model for run #${modelRunId}`)
          for (const [rel, parts] of files) {
            const safe = confinedRelative(rel)
            if (!safe) continue
            const path = resolve(folder, safe)
            mkdirSync(dirname(path), { recursive: true })
            writeFileSync(path, Buffer.concat(parts))
          }
          return
        }
        if (e.path && e.data !== undefined) {
          const parts = files.get(e.path) ?? []
          if (e.offset === 0) parts.length = 0
          parts.push(Buffer.from(e.data, 'base64'))
          files.set(e.path, parts)
        }
      }
    }
  }

  async close(): Promise<void> {
    this.reader?.disconnect()
  }
}
