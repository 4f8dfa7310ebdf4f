/**
 * `complab worker --queue URL`: a remote worker (issue 17), until Ctrl-C or SIGTERM; and
 * `complab workers --queue URL`: the queue's workers. The URL may come from COMPLAB_QUEUE_URL.
 */
import { Redis } from 'ioredis'
import { labVersion } from '../../lab/version'
import { parseQueueUrl, queueUrlFrom, redactedUrl } from '../../scheduler/remote/queue-url'
import { startRemoteWorker, type RemoteWorker } from '../../scheduler/remote/remote-worker'
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
  const said = await untilStopped(worker, (line) => ctx.out(line))
  await worker.close()
  ctx.out(said)
  return 0
}

const runs = (ids: number[]): string => ids.map((id) => `#${id}`).join(', ')

/**
 * Ctrl-C: the worker takes no new run and finishes the runs in hand (a second Ctrl-C hands them
 * back to the queue at once); SIGTERM (a service stopping) hands them back at once. Resolves once
 * it holds nothing, with the line that says how it stopped.
 */
function untilStopped(worker: RemoteWorker, say: (line: string) => void): Promise<string> {
  return new Promise((resolveStop) => {
    let stopping = false
    let finishing: number[] = []
    const handedBack: number[] = []
    const onSignal = (signal: NodeJS.Signals): void => {
      const held = worker.current()
      if (held.length && (signal === 'SIGTERM' || stopping)) {
        handedBack.push(...held)
        worker.handBack()
      } else if (held.length) {
        finishing = held
        say(`stopping: worker ${worker.name} finishes run ${runs(held)} and takes no new run (Ctrl-C again hands it back to the queue now)`)
      }
      if (stopping) return
      stopping = true
      void worker.stop().then(() =>
        resolveStop(
          handedBack.length
            ? `worker ${worker.name} stopped: it handed run ${runs(handedBack)} back to the queue (another worker takes it up as its next attempt)`
            : finishing.length
              ? `worker ${worker.name} stopped once run ${runs(finishing)} ended`
              : `worker ${worker.name} stopped: no run in hand`,
        ),
      )
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
  })
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
      ctx.out(`${w.alive ? '●' : '○'} ${w.name}  ${w.host}  ${w.backend}${w.adapter ? ` (${w.adapter})` : ''}  ${w.alive ? runs : 'gone'}  ${w.done} done, ${w.failed} failed  last heartbeat ${w.heartbeatAt}`)
    }
    return 0
  } finally {
    redis.disconnect()
  }
}
