/**
 * `complab worker --queue URL`: a remote worker (issue 17), until Ctrl-C or SIGTERM; and
 * `complab workers --queue URL`: the queue's workers. The URL may come from COMPLAB_QUEUE_URL.
 */
import { Redis } from 'ioredis'
import { labVersion } from '../../lab/version'
import { parseQueueUrl, queueUrlFrom, redactedUrl } from '../../scheduler/remote/queue-url'
import { startRemoteWorker } from '../../scheduler/remote/remote-worker'
import { listWorkers } from '../../scheduler/remote/worker-registry'
import { defaultDataDir } from '../../lab/paths'
import { intOption, stringOption, UsageError, type CommandContext } from '../context'

function queueUrl(ctx: CommandContext): string {
  const url = queueUrlFrom(stringOption(ctx, 'queue'))
  if (!url) throw new UsageError('--queue URL (or COMPLAB_QUEUE_URL) is required')
  parseQueueUrl(url)
  return url
}

export async function workerCommand(ctx: CommandContext): Promise<number> {
  const url = queueUrl(ctx)
  const worker = await startRemoteWorker({
    url,
    name: stringOption(ctx, 'name'),
    concurrency: intOption(ctx, 'concurrency', 1),
    backend: stringOption(ctx, 'backend'),
    dataDir: stringOption(ctx, 'data-dir') ?? defaultDataDir(),
    version: labVersion(),
    lockMs: intOption(ctx, 'lock-ms', 200),
    say: (line) => ctx.out(line),
  })
  ctx.out(`queue ${redactedUrl(url)}`)
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop())
    process.once('SIGTERM', () => resolveStop())
  })
  await worker.close()
  return 0
}

export async function workersCommand(ctx: CommandContext): Promise<number> {
  const redis = new Redis({ ...parseQueueUrl(queueUrl(ctx)).redis, maxRetriesPerRequest: 1 })
  try {
    const workers = await listWorkers(redis)
    if (ctx.options.json) {
      ctx.out(JSON.stringify(workers, null, 2))
      return 0
    }
    if (!workers.length) ctx.out('no worker has joined this queue')
    for (const w of workers) {
      const runs = w.current.length ? `running #${w.current.join(', #')}` : 'idle'
      ctx.out(`${w.alive ? '●' : '○'} ${w.name}  ${w.host}  ${w.backend}  ${w.alive ? runs : 'gone'}  ${w.done} done, ${w.failed} failed  last heartbeat ${w.heartbeatAt}`)
    }
    return 0
  } finally {
    redis.disconnect()
  }
}
