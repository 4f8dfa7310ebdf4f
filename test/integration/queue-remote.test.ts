/**
 * A sweep over remote workers through BullMQ on a real Redis (issue 17): three `complab worker`
 * processes, each with its own data folder (three "machines"), and one `redis-server` with AOF
 * and a password, shared by the tests in order. First the plain path (items 1-3, 7): runs spread
 * over the workers, a distillation whose teacher model a worker fetches from the lab, a remote
 * run's metrics equal to a local run's with the same seed and backend. Then the faults of item 5
 * that need a precise moment: a worker killed mid-run (the queue gives the run to another worker
 * as attempt 2, or fails it after the configured attempts) and a cancel that must reach the
 * remote worker. Redis and the lab killed mid-sweep are in queue-sweep.test.ts. Tiny runs.
 */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLab } from '../../src-main/lab/index'
import { parseQueueUrl } from '../../src-main/scheduler/remote/queue-url'
import type { Lab } from '../../src-main/lab/types'
import { complab } from '../helpers/complab'
import { HAVE_REDIS, startRedis, type TestRedis } from '../helpers/redis-server'
import { queueLab, startWorker, until, type TestWorker } from '../helpers/queue-workers'
import { distillSpec, nextEvent, trainSpec } from '../unit/scheduler/helpers'
import { tempDir } from '../unit/store/helpers'

describe.skipIf(!HAVE_REDIS)('a sweep over remote workers, and its faults', () => {
  let redis: TestRedis
  const workers = new Map<string, TestWorker>()
  const cleanups: (() => Promise<void> | void)[] = []

  const open = async (attempts = 3): Promise<Lab> => {
    const t = tempDir()
    const lab = await queueLab(t.dir, redis.url, { attempts })
    cleanups.push(t.cleanup, () => lab.stop())
    return lab
  }
  /** Launches one run and resolves once a worker trains it (its first loss point is stored). */
  const runningRemotely = async (lab: Lab, epochs: number): Promise<{ id: number; worker: string }> => {
    const { runIds } = await lab.call('experiments.launch', { spec: trainSpec(`fault ${Date.now()}`, epochs) })
    const id = runIds[0]
    await nextEvent(lab, 'run.metric', (p) => p.runId === id && p.points.some((q) => q.key === 'train.loss'), 90_000)
    return { id, worker: (await lab.call('runs.attempts', { id })).worker! }
  }

  let forger: Redis
  beforeAll(async () => {
    redis = await startRedis()
    forger = new Redis(parseQueueUrl(redis.url).redis).on('error', () => {})
    for (const w of await Promise.all(['box-a', 'box-b', 'box-c'].map((n) => startWorker(redis.url, n))))
      workers.set(w.name, w)
  }, 90_000)
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()?.()
    forger?.disconnect()
    for (const w of workers.values()) await w.kill('SIGTERM')
    await redis?.stop()
  })

  it('trains every run on the workers, the distillation with the teacher fetched from the lab', async () => {
    const t = tempDir()
    const lab = await queueLab(t.dir, redis.url)
    cleanups.push(t.cleanup, () => lab.stop())
    const sweep = await lab.call('experiments.launch', { spec: trainSpec('remote sweep', 2, [0, 1, 2]) })
    const distill = await lab.call('experiments.launch', { spec: distillSpec('remote distill', 1) })
    // The same first run trained here meanwhile, to compare with (below).
    const local = tempDir()
    const here = await createLab({ dataDir: local.dir, backend: 'wasm' })
    cleanups.push(local.cleanup, () => here.stop())
    const mine = await here.call('experiments.launch', { spec: trainSpec('local', 2, [0]) })
    await lab.idle()

    const rows = (await lab.call('runs.list', { limit: 100 })).rows
    expect(rows.map((r) => [r.id, r.status, r.error])).toEqual(
      [...sweep.runIds, ...distill.runIds].map((id) => [id, 'finished', null]),
    )
    const placed = await Promise.all(rows.map((r) => lab.call('runs.attempts', { id: r.id })))
    expect(new Set(placed.map((p) => p.worker)).size).toBeGreaterThan(1)
    expect(placed.every((p) => p.attempt === 1 && p.queue === 'complab' && p.attempts.length === 1)).toBe(true)
    // Each run's model came back whole: its artifacts are in the lab's folder, sha256 as recorded.
    for (const id of distill.runIds) {
      const run = await lab.call('runs.get', { id })
      expect(run.artifacts.filter((a) => a.kind === 'model')).toHaveLength(2)
      expect(run.results['test.accuracy']).toBeGreaterThan(0)
    }
    const listed = await complab(['workers', '--queue', redis.url])
    for (const name of workers.keys()) expect(listed.stdout).toMatch(new RegExp(`● ${name} .* idle .* done`))
    expect(listed.stdout).not.toContain(redis.password)

    // A local run with the same seed and backend gives the same metrics, point for point.
    await here.idle()
    // Times (epoch.seconds) differ from machine to machine; every other series is equal.
    const untimed = (s: { key: string }[]): { key: string }[] => s.filter((x) => !x.key.endsWith('.seconds'))
    const a = untimed(await lab.call('runs.metrics', { id: sweep.runIds[0] }))
    const b = untimed(await here.call('runs.metrics', { id: mine.runIds[0] }))
    expect(a.length).toBeGreaterThan(3)
    expect(a).toEqual(b)
  }, 240_000)
  it('a worker killed mid-run: the run goes on as attempt 2 elsewhere, or fails when one attempt is allowed', async () => {
    // Both at once, on two labs: each run's holder is killed as soon as the run has a point.
    const killedMidRun = async (attempts: number): Promise<{ lab: Lab; id: number; first: string }> => {
      const lab = await open(attempts)
      const { id, worker: first } = await runningRemotely(lab, 8)
      await workers.get(first)!.kill()
      workers.delete(first)
      await lab.idle()
      return { lab, id, first }
    }
    const [retried, once] = await Promise.all([killedMidRun(3), killedMidRun(1)])

    const { lab, id, first } = retried
    const run = await lab.call('runs.get', { id })
    expect([run.status, run.error]).toEqual(['finished', null])
    const placed = await lab.call('runs.attempts', { id })
    expect(placed.attempt).toBe(2)
    expect(placed.worker).not.toBe(first)
    expect(placed.attempts.map((a) => a.attempt)).toEqual([1, 2])
    // Attempt 2's curve is whole and its own; attempt 1's points are kept apart.
    const loss = (await lab.call('runs.metrics', { id, keys: ['train.loss'] }))[0].points
    expect(loss.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    const earlier = await lab.call('runs.attemptMetrics', { id, attempt: 1 })
    expect(earlier.find((s) => s.key === 'train.loss')?.points.length).toBeGreaterThan(0)
    expect(run.logs.some((l) => l.message.startsWith(`attempt 2 on worker ${placed.worker}: attempt 1 on ${first} stopped`))).toBe(true)

    const failed = await once.lab.call('runs.get', { id: once.id })
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(/was tried 1 time: each time the worker holding it stopped/)
  }, 150_000)

  it('a cancel reaches the remote worker within seconds', async () => {
    const lab = await open()
    const { id, worker: holder } = await runningRemotely(lab, 200)
    // An event for this run from a client that does not hold the job's lock is not taken.
    const jobId = (await forger.lrange('bull:complab:active', 0, -1)).find((j) => j.includes(`-${id}-`))!
    const forged = { jobId, runId: id, attempt: 1, seq: 1e9, token: 'not-the-lock', worker: 'intruder', kind: 'message', message: { type: 'metric', points: [{ key: 'forged', step: 1, value: 1 }] } }
    await forger.xadd(`complab:events:${jobId.split('-')[0]}`, '*', 'e', JSON.stringify(forged))
    const asked = Date.now()
    expect((await lab.call('runs.cancel', { id })).status).toBe('cancelled')
    await until(() => workers.get(holder)!.output().includes('cancelled by the lab'), 5000, 'the worker to hear the cancel')
    await until(() => workers.get(holder)!.output().includes(`run #${id} ended: cancelled by the lab`), 5000, 'the run to stop there')
    expect(Date.now() - asked).toBeLessThan(5000)
    expect((await lab.call('runs.metrics', { id })).map((m) => m.key)).not.toContain('forged')
  }, 120_000)
})
