/**
 * The queue's event throughput into SQLite (issue 17 "done when": at least 50,000 points/s): a
 * real redis-server, a lab that takes up one remote run, and metric events put on its stream as a
 * worker sends them (batches of 500 points, the run's lock token), timed until every point is
 * stored and every entry acknowledged.
 *
 * Usage: node --import tsx test/bench/queue-ingest.ts [points]
 */
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createLab } from '../../src-main/lab/index'
import { openStore } from '../../src-main/store/index'
import { labIdOf } from '../../src-main/scheduler/remote/queue-launcher'
import { parseQueueUrl } from '../../src-main/scheduler/remote/queue-url'
import { jobIdOf, keys } from '../../src-main/scheduler/remote/wire'
import { startRedis } from '../helpers/redis-server'
import { seedRuns, tempDir } from '../unit/store/helpers'

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 200_000)
  const perEvent = 500
  const redis = await startRedis()
  const t = tempDir()
  try {
    // A run a worker holds: `running` on the queue, as a lab that restarts finds it.
    const store = openStore(join(t.dir, 'lab.db'))
    const [runId] = seedRuns(store, 1).runIds
    store.runs.start(runId)
    store.attempts.sendToQueue(runId, 'complab')
    const jobId = jobIdOf(labIdOf(store), runId, store.runs.get(runId)!.startedAt)
    const labId = labIdOf(store)
    store.close()
    const client = new Redis(parseQueueUrl(redis.url).redis)
    await client.set(keys.lock(jobId), 'bench-token')
    const lab = await createLab({ dataDir: t.dir, queue: { url: redis.url } })
    const envelope = { jobId, runId, attempt: 1, token: 'bench-token', worker: 'bench' }
    const began = performance.now()
    const pipe = client.pipeline()
    for (let seq = 1, step = 0; step < total; seq++) {
      const points = Array.from({ length: perEvent }, (_, i) => ({ key: 'train.loss', step: step + i + 1, value: Math.random() }))
      step += perEvent
      pipe.xadd(keys.events(labId), '*', 'e', JSON.stringify({ ...envelope, seq, kind: 'message', message: { type: 'metric', points } }))
    }
    await pipe.exec()
    const sent = performance.now()
    // An entry leaves the stream once the transaction that stored it has committed.
    while ((await client.xlen(keys.events(labId))) > 0) await new Promise((r) => setTimeout(r, 20))
    const seconds = (performance.now() - began) / 1000
    const stored = (await lab.call('runs.metrics', { id: runId }))[0]?.points.length ?? 0
    if (stored !== total) throw new Error(`${stored} of ${total} points stored`)
    console.log(
      JSON.stringify({
        points: total,
        sendSeconds: Number(((sent - began) / 1000).toFixed(2)),
        seconds: Number(seconds.toFixed(2)),
        pointsPerSecond: Math.round(total / seconds),
        target: 50_000,
      }),
    )
    await lab.stop()
    client.disconnect()
  } finally {
    await redis.stop()
    t.cleanup()
  }
}

void main()
