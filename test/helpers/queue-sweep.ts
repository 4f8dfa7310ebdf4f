/**
 * The issue 17 "done when" sweep: `runs` tiny runs through BullMQ on a real Redis over three
 * `complab worker` processes with separate data folders (three "machines"), while a worker, Redis
 * and the lab are each killed once (SIGKILL) at moments drawn from `seed`. The lab runs in a
 * process of its own (so it can be killed) and a second lab takes over its database; the killed worker's machine stays gone. Returns what
 * the database holds at the end, for the integration test (a few runs) and the bench (60 runs).
 */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { fileSha256 } from '../../src-main/scheduler/remote/wire'
import { parseQueueUrl } from '../../src-main/scheduler/remote/queue-url'
import { spawnLab } from './lab-child'
import { queueLab, startWorker, until, type TestWorker } from './queue-workers'
import { startRedis } from './redis-server'
import { seededRandom } from './seeded-random'
import { tempDir } from '../unit/store/helpers'

/** A run as small as the engine allows: it costs little more than its process's start. */
export function tinySweep(name: string, runs: number): Record<string, unknown> {
  return {
    name,
    dataset: { name: 'mnist-10k', trainLimit: 100, testFraction: 0.02 },
    model: { arch: 'mlp', hidden: [4] },
    training: { epochs: 1, batchSize: 50 },
    sweep: { seeds: Array.from({ length: runs }, (_, i) => i) },
  }
}

export type Fault = 'worker' | 'redis' | 'lab'

export interface SweepOutcome {
  runs: number
  seconds: number
  /** Each fault and the number of finished runs when it was injected, in order. */
  faults: { fault: Fault; afterFinished: number; detail: string }[]
  statuses: Record<string, number>
  integrity: string
  /** Runs whose current attempt lacks a metric point the others have (key@step), or has one more. */
  lost: string[]
  extra: string[]
  /** Events stored twice: a log line repeated within one attempt, a start of an attempt twice. */
  duplicated: string[]
  /** Runs that took more than one attempt. */
  retried: number
  /** Model artifacts missing or whose sha256 differs from the lab's record. */
  damaged: string[]
  /** Some worker said it buffered while Redis was away. */
  buffered: boolean
  workerOutput: string
}

export async function sweepWithFaults(o: { runs: number; seed: number; timeoutMs: number }): Promise<SweepOutcome> {
  const rng = seededRandom(o.seed)
  const redis = await startRedis()
  const t = tempDir()
  const workers: TestWorker[] = []
  const gone: TestWorker[] = []
  const began = performance.now()
  let lab: Awaited<ReturnType<typeof queueLab>> | null = null
  const queue = { url: redis.url, attempts: 3, checkMs: 300 }
  const db = join(t.dir, 'lab.db')
  const peek = new Redis(parseQueueUrl(redis.url).redis).on('error', () => {})
  try {
    workers.push(...(await Promise.all(['box-a', 'box-b', 'box-c'].map((n) => startWorker(redis.url, n)))))
    const first = spawnLab({ dataDir: t.dir, queue, launch: tinySweep('sweep with faults', o.runs) })
    await first.waitFor((m) => m.type === 'launched', 120_000)
    const count = (sql: string): number => {
      const c = new Database(db, { readonly: true, fileMustExist: true })
      try {
        return (c.prepare(sql).pluck().get() as number) ?? 0
      } finally {
        c.close()
      }
    }
    const finished = (): number => count("SELECT count(*) FROM runs WHERE status = 'finished'")
    // Three distinct moments, between a sixth and two thirds of the sweep, in a seeded order.
    const order: Fault[] = ['worker', 'redis', 'lab']
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i)
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    const span = Math.max(3, Math.floor((o.runs * 2) / 3) - Math.floor(o.runs / 6))
    const moments = new Set<number>()
    while (moments.size < 3) moments.add(Math.floor(o.runs / 6) + rng.int(0, span - 1))
    const at = [...moments].sort((a, b) => a - b)
    const faults: SweepOutcome['faults'] = []
    const deadline = Date.now() + o.timeoutMs
    for (const [i, fault] of order.entries()) {
      await until(() => finished() >= at[i], deadline - Date.now(), `${at[i]} finished runs before killing the ${fault}`)
      let detail = ''
      if (fault === 'worker') {
        // A worker that holds a run now (so the queue must hand it on), drawn by the seed.
        let holders: string[] = []
        await until(() => {
          holders = workers.filter((w) => holdsRun(w.output())).map((w) => w.name)
          return holders.length > 0
        }, deadline - Date.now(), 'a worker holding a run')
        const chosen = rng.pick(holders)
        const victim = workers.find((w) => w.name === chosen)!
        await victim.kill()
        // That machine is gone: the other two train the rest, its run included.
        workers.splice(workers.indexOf(victim), 1)
        gone.push(victim)
        detail = victim.name
      } else if (fault === 'redis') {
        await redis.kill()
        // Workers go on training; once one has noticed, Redis comes back (AOF) on its port.
        await until(() => workers.some((w) => /queue unreachable, buffering/.test(w.output())), 10_000, 'a worker to notice Redis is gone').catch(() => {})
        await redis.restart()
      } else {
        const stream = `complab:events:${await labIdOf(peek)}`
        const waiting = await peek.xlen(stream)
        await first.kill()
        // Workers go on training meanwhile: wait until an event has come for the next lab.
        await until(async () => (await peek.xlen(stream)) > waiting, 20_000, 'an event sent while the lab is away').catch(() => {})
        detail = `${(await peek.xlen(stream)) - waiting} events waited`
        lab = await queueLab(t.dir, redis.url)
      }
      faults.push({ fault, afterFinished: finished(), detail })
    }
    // The lab killed last may have been the first one: the second lab takes over in any case.
    if (!lab) {
      await first.stop()
      lab = await queueLab(t.dir, redis.url)
    }
    await until(() => count("SELECT count(*) FROM runs WHERE status IN ('queued', 'running')") === 0, deadline - Date.now(), 'the sweep to end')
    await lab.stop()
    lab = null
    return { ...verify(db, o.runs), seconds: (performance.now() - began) / 1000, faults, buffered: [...workers, ...gone].some((w) => /queue unreachable, buffering/.test(w.output())), workerOutput: [...workers, ...gone].map((w) => `--- ${w.name}\n${w.output()}`).join('\n') }
  } finally {
    peek.disconnect()
    await lab?.stop()
    for (const w of workers) await w.kill('SIGTERM')
    await redis.stop()
    t.cleanup()
  }
}

/** The one lab on this Redis (the sweep's): the suffix of its event stream. */
async function labIdOf(r: Redis): Promise<string> {
  const [stream] = await r.keys('complab:events:*')
  return stream?.slice('complab:events:'.length) ?? ''
}

/** Whether `output` says its worker holds a run now (its last run started, not ended). */
function holdsRun(output: string): boolean {
  const lines = output.match(/run #\d+ (\(attempt \d+\) started|finished|ended)/g) ?? []
  return lines.at(-1)?.endsWith('started') ?? false
}

function verify(path: string, runs: number): Omit<SweepOutcome, 'seconds' | 'faults' | 'buffered' | 'workerOutput'> {
  const db = new Database(path, { readonly: true })
  try {
    const integrity = db.pragma('integrity_check', { simple: true }) as string
    const statuses = Object.fromEntries(
      (db.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]),
    )
    // Every run's current attempt has the same series, step for step: none lost, none extra.
    const points = db
      .prepare('SELECT r.id, m.key, m.step FROM runs r JOIN metrics m ON m.run_id = r.id AND m.attempt = r.attempt ORDER BY r.id, m.key, m.step')
      .all() as { id: number; key: string; step: number }[]
    const byRun = new Map<number, Set<string>>()
    for (const p of points) {
      const s = byRun.get(p.id) ?? new Set<string>()
      s.add(`${p.key}@${p.step}`)
      byRun.set(p.id, s)
    }
    const ids = db.prepare('SELECT id FROM runs ORDER BY id').pluck().all() as number[]
    const tally = new Map<string, number>()
    for (const s of byRun.values()) for (const k of s) tally.set(k, (tally.get(k) ?? 0) + 1)
    // A point every run should have: one most runs have (a lost point is rare, not the rule).
    const expected = [...tally].filter(([, n]) => n > runs / 2).map(([k]) => k)
    const lost: string[] = []
    const extra: string[] = []
    for (const id of ids) {
      const s = byRun.get(id) ?? new Set<string>()
      for (const k of expected) if (!s.has(k)) lost.push(`run ${id}: ${k}`)
      for (const k of s) if (!expected.includes(k)) extra.push(`run ${id}: ${k}`)
    }
    const duplicated = [
      ...(db.prepare('SELECT run_id, attempt, message, count(*) AS n FROM logs GROUP BY run_id, attempt, message HAVING n > 1').all() as { run_id: number; attempt: number; message: string; n: number }[]).map(
        (r) => `run ${r.run_id} attempt ${r.attempt}: "${r.message}" ×${r.n}`,
      ),
      // Each attempt's start is stored once (the worker sends it once per attempt).
      ...(db
        .prepare("SELECT run_id, attempt, count(*) AS n FROM logs WHERE message GLOB 'attempt [0-9]* on worker * (*)' AND message NOT GLOB '*stopped*' GROUP BY run_id, attempt HAVING n <> 1")
        .all() as { run_id: number; attempt: number; n: number }[]).map((r) => `run ${r.run_id} attempt ${r.attempt}: ${r.n} starts`),
    ]
    const retried = db.prepare('SELECT count(*) FROM runs WHERE attempt > 1').pluck().get() as number
    const damaged: string[] = []
    const models = db.prepare("SELECT run_id, path, sha256 FROM artifacts WHERE kind = 'model'").all() as { run_id: number; path: string; sha256: string }[]
    for (const a of models) if (!existsSync(a.path) || fileSha256(a.path) !== a.sha256) damaged.push(`run ${a.run_id}: ${a.path}`)
    for (const id of ids) if (!models.some((a) => a.run_id === id)) damaged.push(`run ${id}: no model`)
    return { runs: ids.length, statuses, integrity, lost, extra, duplicated, retried, damaged }
  } finally {
    db.close()
  }
}
