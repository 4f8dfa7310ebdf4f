/**
 * The run worker's entry (DESIGN §1): one run per process. It says `ready`, waits for `start`,
 * runs the engine and streams what happens to the scheduler. It never opens SQLite.
 *
 * Headless it is started with `child_process.fork` (`process.send`); in Electron as a
 * `utilityProcess` (`process.parentPort`). The file is the same.
 *
 * The engine (TF.js) takes seconds to load, so it is imported only after this process watches
 * its lab: a lab that dies meanwhile must not leave an orphan training or idling for ever.
 */
import { processAlive } from './process-alive'
import type { ParentMessage, RunJob, RunSink, WorkerMessage } from './protocol'

/** How often the worker proves it is alive; the scheduler's timeout is much longer. */
const HEARTBEAT_MS = 2000
/** How often the worker looks whether its lab is still there (where no channel event says so). */
const PARENT_CHECK_MS = 1000

/**
 * Ends this process as soon as its lab is gone, before anything heavy loads. Forked: the IPC
 * channel closes (`disconnect`), or had closed before this code ran, or the process was adopted
 * by another parent. In Electron (no channel event): the lab's pid (`COMPLAB_LAB_PID`, set by the
 * launchers) is no longer alive. The check's timer is unref'd: it never keeps a process alive.
 */
function exitWithLab(): void {
  const forked = typeof process.send === 'function'
  const labPid = Number(process.env.COMPLAB_LAB_PID) || process.ppid
  const gone = (): boolean =>
    forked ? !process.connected || process.ppid !== labPid : !processAlive(labPid)
  if (forked) process.on('disconnect', () => process.exit(1))
  if (gone()) process.exit(1)
  setInterval(() => {
    if (gone()) process.exit(1)
  }, PARENT_CHECK_MS).unref()
}

interface ParentPort {
  postMessage(message: unknown): void
  on(event: 'message', handler: (e: { data: unknown }) => void): void
}

function channel(): {
  send(m: WorkerMessage): void
  onMessage(h: (m: ParentMessage) => void): void
} {
  const port = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort
  if (port) {
    return {
      send: (m) => port.postMessage(m),
      onMessage: (h) => port.on('message', (e) => h(e.data as ParentMessage)),
    }
  }
  if (!process.send) {
    process.stderr.write('the run worker must be started by the lab (no IPC channel)\n')
    process.exit(2)
  }
  return {
    send: (m) => {
      // A closed channel means the lab is gone: nobody to report to, so no reason to live on.
      if (process.connected) process.send?.(m)
      else process.exit(1)
    },
    onMessage: (h) => process.on('message', (m) => h(m as ParentMessage)),
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return String(err)
}

/** Waits until the IPC queue has drained so `done` or `error` is not lost by exiting. */
function flushAndExit(code: number): void {
  if (process.send && process.connected) {
    process.send({ type: 'heartbeat' } satisfies WorkerMessage, () => process.exit(code))
    setTimeout(() => process.exit(code), 2000).unref()
  } else {
    // utilityProcess: give postMessage a moment to leave before the process ends.
    setTimeout(() => process.exit(code), 200)
  }
}

async function main(): Promise<void> {
  const ipc = channel()
  const { executeRun } = await import('../engine/index')
  let lastBeat = Date.now()
  const beat = (): void => {
    lastBeat = Date.now()
    ipc.send({ type: 'heartbeat' })
  }
  const heartbeat = setInterval(beat, HEARTBEAT_MS)

  const sink: RunSink = {
    backend: (name, adapter) => ipc.send({ type: 'backend', name, adapter: adapter ?? null }),
    progress: (p) => ipc.send({ type: 'progress', ...p }),
    metrics: (points) => ipc.send({ type: 'metric', points }),
    artifact: (a) => ipc.send({ type: 'artifact', ...a }),
    result: (results) => ipc.send({ type: 'result', results }),
    log: (level, message) => ipc.send({ type: 'log', level, message }),
    layers: (phase, layers) => ipc.send({ type: 'layers', phase, layers }),
    // Inside a synchronous stretch (shader compiles on webgpu) the timer cannot fire, but a
    // message sent from here leaves at once: the IPC write is attempted synchronously.
    alive: () => {
      if (!ended && Date.now() - lastBeat >= HEARTBEAT_MS) beat()
    },
    groups: (groups) => ipc.send({ type: 'groups', groups }),
  }

  let ended = false
  const fail = (err: unknown): void => {
    if (ended) return
    ended = true
    clearInterval(heartbeat)
    ipc.send({ type: 'error', message: describe(err) })
    flushAndExit(1)
  }
  // An error thrown outside the engine's promise (a timer, a stream) still fails the run with its message.
  process.on('uncaughtException', fail)
  process.on('unhandledRejection', fail)

  let started = false
  ipc.onMessage((message) => {
    if (message.type !== 'start' || started) return
    started = true
    const job: RunJob = message.job
    executeRun(job, sink).then(() => {
      if (ended) return
      ended = true
      clearInterval(heartbeat)
      ipc.send({ type: 'done' })
      flushAndExit(0)
    }, fail)
  })
  ipc.send({ type: 'ready' })
}

exitWithLab()
main().catch((err: unknown) => {
  process.stderr.write(`the run worker could not start: ${describe(err)}\n`)
  process.exit(1)
})
