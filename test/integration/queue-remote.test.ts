/**
 * Remote workers through BullMQ on a real Redis (issue 17 items 1–3, 7): runs of a sweep spread
 * over two `complab worker` processes with separate data folders, a distillation whose teacher
 * model the worker fetches from the lab, and a remote run's metrics equal to a local run's with
 * the same seed and backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLab } from '../../src-main/lab/index'
import { complab } from '../helpers/complab'
import { HAVE_REDIS, startRedis, type TestRedis } from '../helpers/redis-server'
import { queueLab, startWorker, type TestWorker } from '../helpers/queue-workers'
import { distillSpec, trainSpec } from '../unit/scheduler/helpers'
import { tempDir } from '../unit/store/helpers'

describe.skipIf(!HAVE_REDIS)('a sweep over remote workers', () => {
  let redis: TestRedis
  const workers: TestWorker[] = []
  const cleanups: (() => Promise<void> | void)[] = []

  beforeAll(async () => {
    redis = await startRedis()
    workers.push(...(await Promise.all([startWorker(redis.url, 'box-a'), startWorker(redis.url, 'box-b')])))
  }, 90_000)
  afterAll(async () => {
    while (cleanups.length) await cleanups.pop()?.()
    for (const w of workers) await w.kill('SIGTERM')
    await redis?.stop()
  })

  it('trains every run on the workers, the distillation with the teacher fetched from the lab', async () => {
    const t = tempDir()
    const lab = await queueLab(t.dir, redis.url)
    cleanups.push(t.cleanup, () => lab.stop())
    const sweep = await lab.call('experiments.launch', { spec: trainSpec('remote sweep', 2, [0, 1, 2, 3]) })
    const distill = await lab.call('experiments.launch', { spec: distillSpec('remote distill', 1) })
    const began = Date.now()
    await lab.idle()
    console.log(`[queue] 6 remote runs in ${Date.now() - began} ms`)

    const rows = (await lab.call('runs.list', { limit: 100 })).rows
    expect(rows.map((r) => [r.id, r.status, r.error])).toEqual(
      [...sweep.runIds, ...distill.runIds].map((id) => [id, 'finished', null]),
    )
    const placed = await Promise.all(rows.map((r) => lab.call('runs.attempts', { id: r.id })))
    expect(new Set(placed.map((p) => p?.worker))).toEqual(new Set(['box-a', 'box-b']))
    expect(placed.every((p) => p.attempt === 1 && p.queue === 'complab' && p.attempts.length === 1)).toBe(true)
    // Each run's model came back whole: its artifacts are in the lab's folder, sha256 as recorded.
    for (const id of distill.runIds) {
      const run = await lab.call('runs.get', { id })
      expect(run.artifacts.filter((a) => a.kind === 'model')).toHaveLength(2)
      expect(run.results['test.accuracy']).toBeGreaterThan(0)
    }
    const listed = await complab(['workers', '--queue', redis.url])
    expect(listed.stdout).toMatch(/● box-a .* idle .*done/)
    expect(listed.stdout).toMatch(/● box-b /)
    expect(listed.stdout).not.toContain(redis.password)

    // A local run with the same seed and backend gives the same metrics, point for point.
    const local = tempDir()
    const here = await createLab({ dataDir: local.dir, backend: 'wasm' })
    cleanups.push(local.cleanup, () => here.stop())
    const mine = await here.call('experiments.launch', { spec: trainSpec('local', 2, [0]) })
    await here.idle()
    console.log(`[queue] the local run in ${Date.now() - began} ms`)
    // Times (epoch.seconds) differ from machine to machine; every other series is equal.
    const untimed = (s: { key: string }[]): { key: string }[] => s.filter((x) => !x.key.endsWith('.seconds'))
    const a = untimed(await lab.call('runs.metrics', { id: sweep.runIds[0] }))
    const b = untimed(await here.call('runs.metrics', { id: mine.runIds[0] }))
    expect(a.length).toBeGreaterThan(3)
    expect(a).toEqual(b)
  }, 150_000)
})
