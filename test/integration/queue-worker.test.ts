/**
 * A remote worker's own life (issue 17): Ctrl-C lets it finish the run in hand and take no new
 * one, a second Ctrl-C hands the run back to the queue at once (another worker takes it up as
 * attempt 2), and an idle worker just stops, each saying so in one line (item 1); and a worker
 * and a lab that reach Redis over TLS only (`rediss://`, a throwaway certificate) with a password
 * that is in no process's arguments (COMPLAB_QUEUE_URL), training a run between them (item 6).
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Lab } from '../../src-main/lab/types'
import { spawnLab } from '../helpers/lab-child'
import { queueLab, startWorker, until, type TestWorker } from '../helpers/queue-workers'
import { HAVE_REDIS, makeTestCertificate, startRedis, type TestRedis } from '../helpers/redis-server'
import { nextEvent, trainSpec } from '../unit/scheduler/helpers'
import { tempDir } from '../unit/store/helpers'

describe.skipIf(!HAVE_REDIS)('Ctrl-C on complab worker', () => {
  let redis: TestRedis
  let lab: Lab
  const t = tempDir()
  const started: TestWorker[] = []
  const worker = async (name: string): Promise<TestWorker> => {
    const w = await startWorker(redis.url, name)
    started.push(w)
    return w
  }
  /** Launches a run and resolves once its first loss point is stored, with its worker. */
  const launched = async (epochs: number): Promise<number> => {
    const [id] = (await lab.call('experiments.launch', { spec: trainSpec(`stop ${epochs}`, epochs) })).runIds
    await nextEvent(lab, 'run.metric', (p) => p.runId === id && p.points.some((q) => q.key === 'train.loss'), 90_000)
    return id
  }
  beforeAll(async () => {
    redis = await startRedis()
    lab = await queueLab(t.dir, redis.url)
  }, 60_000)
  afterAll(async () => {
    await lab?.stop()
    for (const w of started) await w.kill()
    await redis?.stop()
    t.cleanup()
  })

  it('finishes the run in hand and takes no new one; twice hands it back; idle, just stops', async () => {
    const a = await worker('stop-a')
    const first = await launched(6)
    a.signal('SIGINT')
    await until(() => a.output().includes(`stopping: worker stop-a finishes run #${first} and takes no new run (Ctrl-C again hands it back to the queue now)`), 10_000, 'the worker to say it finishes its run')
    // A run launched now waits for another worker.
    const [second] = (await lab.call('experiments.launch', { spec: trainSpec('after ctrl-c', 8) })).runIds
    expect(await a.exited).toBe(0)
    expect(a.output()).toMatch(new RegExp(`^worker stop-a stopped once run #${first} ended$`, 'm'))
    expect(a.output()).not.toContain(`run #${second} `)
    await until(async () => (await lab.call('runs.get', { id: first })).status === 'finished', 30_000, `run #${first} to be stored finished`)

    const b = await worker('stop-b')
    await nextEvent(lab, 'run.metric', (p) => p.runId === second && p.points.some((q) => q.key === 'train.loss'), 90_000)
    b.signal('SIGINT')
    await until(() => b.output().includes('Ctrl-C again hands it back'), 10_000, 'the first Ctrl-C')
    b.signal('SIGINT')
    expect(await b.exited).toBe(0)
    expect(b.output()).toMatch(new RegExp(`^worker stop-b stopped: it handed run #${second} back to the queue \\(another worker takes it up as its next attempt\\)$`, 'm'))

    const c = await worker('stop-c')
    await lab.idle()
    const run = await lab.call('runs.get', { id: second })
    expect([run.status, run.error]).toEqual(['finished', null])
    const placed = await lab.call('runs.attempts', { id: second })
    expect([placed.attempt, placed.worker]).toEqual([2, 'stop-c'])
    const loss = (await lab.call('runs.metrics', { id: second, keys: ['train.loss'] }))[0].points
    expect(loss.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])

    c.signal('SIGINT')
    expect(await c.exited).toBe(0)
    expect(c.output()).toMatch(/^worker stop-c stopped: no run in hand$/m)
  }, 240_000)
})

const tlsDir = tempDir()
const certificate = makeTestCertificate(tlsDir.dir)
if (typeof certificate === 'string') console.log(`the TLS test is skipped: ${certificate}`)

describe.skipIf(!HAVE_REDIS || typeof certificate === 'string')('a queue over TLS with a password', () => {
  afterAll(() => tlsDir.cleanup())

  it('a worker and a lab reach a TLS-only Redis by rediss:// and train a run', async () => {
    if (typeof certificate === 'string') return
    const redis = await startRedis({ tls: certificate })
    const t = tempDir()
    // Both processes trust the throwaway certificate as Node does any private CA.
    const env = { NODE_EXTRA_CA_CERTS: certificate.cert, COMPLAB_QUEUE_URL: redis.url }
    let w: TestWorker | null = null
    const lab = spawnLab({ dataDir: t.dir, queue: { url: redis.url, attempts: 1, checkMs: 300 }, launch: trainSpec('over tls', 1) }, { env })
    try {
      expect(redis.url).toMatch(/^rediss:\/\//)
      w = await startWorker('', 'tls-box', undefined, [], env)
      const { runIds } = (await lab.waitFor((m) => m.type === 'launched', 90_000)) as { runIds: number[] }
      const end = await lab.waitFor((m) => m.type === 'status' && m.runId === runIds[0] && !['queued', 'running'].includes(m.status), 120_000)
      expect(end).toMatchObject({ status: 'finished', error: null })
      expect(w.output()).toMatch(new RegExp(`run #${runIds[0]} finished`))
      // The URL came from the environment: the password is in no process's arguments.
      const args = readFileSync(`/proc/${w.pid}/cmdline`, 'utf8')
      expect(args).toContain('worker')
      expect(args).not.toContain(redis.password)
    } finally {
      await lab.stop()
      await w?.kill('SIGTERM')
      await redis.stop()
      t.cleanup()
    }
  }, 200_000)
})
