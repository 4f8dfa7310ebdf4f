/**
 * The remote workers a queue has (issue 17 item 7): each worker keeps its entry in one Redis hash
 * fresh (name, host, backend, current runs, runs done, last heartbeat); `complab workers` and the
 * System page read it. An entry not refreshed for a while is a worker that is gone.
 */
import type { Redis } from 'ioredis'
import type { QueueWorker } from '../../../src-shared/contract/attempts'
import { keys } from './wire'

export interface WorkerEntry extends Omit<QueueWorker, 'alive'> {
  pid: number
}

const EVERY_MS = 2000
/** An entry older than this is a worker that stopped without saying so. */
export const WORKER_GONE_MS = 30_000

/**
 * Keeps `entry` in the registry until `stop`; `beat` writes it at once (a run taken or ended, so
 * the System page does not show a finished run as current until the next heartbeat).
 */
export function registerWorker(redis: Redis, entry: WorkerEntry): { beat(): void; stop(): void; remove(): Promise<void> } {
  const beat = (): void => {
    entry.heartbeatAt = new Date().toISOString()
    redis.hset(keys.workers, entry.name, JSON.stringify(entry)).catch(() => {})
  }
  beat()
  const timer = setInterval(beat, EVERY_MS)
  return {
    beat,
    stop: () => clearInterval(timer),
    remove: async () => {
      await redis.hdel(keys.workers, entry.name).catch(() => {})
    },
  }
}

/** The workers of the queue, the live ones first, each with whether it is still there. */
export async function listWorkers(redis: Redis, now = Date.now()): Promise<(WorkerEntry & { alive: boolean })[]> {
  const all = await redis.hgetall(keys.workers)
  return Object.values(all)
    .map((text) => JSON.parse(text) as WorkerEntry)
    .map((w) => ({ ...w, adapter: w.adapter ?? null, alive: now - Date.parse(w.heartbeatAt) < WORKER_GONE_MS }))
    .sort((a, b) => Number(b.alive) - Number(a.alive) || a.name.localeCompare(b.name))
}
