/**
 * The queue's event throughput into SQLite (issue 17 "done when": at least 50,000 points/s): a
 * real redis-server, a lab that takes up one remote run, and metric events put on its stream by
 * another process while the lab is away, as a worker sends them (batches of 500 points, the run's
 * lock token); timed from the lab's start until every point is stored and every entry acknowledged.
 *
 * Usage: node --import tsx test/bench/queue-ingest.ts [points]
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { createLab } from '../../src-main/lab/index'
import { openStore } from '../../src-main/store/index'
import { labIdOf } from '../../src-main/scheduler/remote/queue-launcher'
import { parseQueueUrl } from '../../src-main/scheduler/remote/queue-url'
import { jobIdOf, keys } from '../../src-main/scheduler/remote/wire'
import { startRedis } from '../helpers/redis-server'
import { seedRuns, tempDir } from '../unit/store/helpers'

/** What a worker does, in a plain Node process: xadd the events, pipelined, as fast as Redis takes them. */
const SENDER = `
const { Redis } = require('ioredis')
const o = JSON.parse(process.argv[1])
const r = new Redis(o.url)
;(async () => {
  let pipe = r.pipeline()
  for (let seq = 1, step = 0; step < o.total; seq++) {
    const points = Array.from({ length: o.perEvent }, (_, i) => ({ key: 'train.loss', step: step + i + 1, value: Math.random() }))
    step += o.perEvent
    pipe.xadd(o.stream, '*', 'e', JSON.stringify({ ...o.envelope, seq, kind: 'message', message: { type: 'metric', points } }))
    if (seq % 20 === 0) { await pipe.exec(); pipe = r.pipeline() }
  }
  await pipe.exec()
  r.disconnect()
})()
`

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
    const envelope = { jobId, runId, attempt: 1, token: 'bench-token', worker: 'bench' }
    // The workers have sent everything while the lab was away (the sender is another process):
    // what is timed is the lab taking up a backlog as fast as it can, from Redis into SQLite.
    const sendBegan = performance.now()
    await new Promise<void>((resolveSent, reject) => {
      const child = spawn(process.execPath, ['-e', SENDER, JSON.stringify({ url: redis.url, stream: keys.events(labId), envelope, total, perEvent })], { stdio: 'inherit', cwd: join(import.meta.dirname, '..', '..') })
      child.once('exit', (code) => (code === 0 ? resolveSent() : reject(new Error(`the sender exited with ${code}`))))
    })
    const sendSeconds = (performance.now() - sendBegan) / 1000
    const lab = await createLab({ dataDir: t.dir, queue: { url: redis.url } })
    const began = performance.now()
    // An entry leaves the stream once the transaction that stored it has committed.
    while ((await client.xlen(keys.events(labId))) > 0) await new Promise((r) => setTimeout(r, 5))
    const seconds = (performance.now() - began) / 1000
    const stored = (await lab.call('runs.metrics', { id: runId }))[0]?.points.length ?? 0
    if (stored !== total) throw new Error(`${stored} of ${total} points stored`)
    console.log(
      JSON.stringify({
        points: total,
        sendSeconds: Number(sendSeconds.toFixed(2)),
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
