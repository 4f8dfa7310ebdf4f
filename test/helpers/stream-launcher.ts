/**
 * Workers without processes, for tests of what the lab does with a stream of events (ingest
 * load, crashes mid-write, a full disk): each "worker" speaks the worker protocol from inside the
 * lab's own process and sends metric batches on a timer, as fast as asked. No TensorFlow.
 */
import type { WorkerHandle, WorkerLauncher } from '../../src-main/scheduler/launcher'
import type { ParentMessage, WorkerMessage } from '../../src-main/worker/protocol'

export interface StreamOptions {
  /** Points in each `metric` message. */
  pointsPerMessage: number
  /** Distinct metric keys (`ingest.k0`, …); the points of a message are spread over them. */
  keys: number
  /** Messages sent per timer tick. */
  messagesPerTick?: number
  /** Milliseconds between ticks. */
  intervalMs: number
  /** Messages before the run reports its result and `done`; Infinity streams until killed. */
  messages: number
}

export interface StreamHandle extends WorkerHandle {
  readonly runId: number | null
  /** Metric messages sent so far. */
  readonly sent: number
}

/** The value of point (key index, step): exact in a double, different for every point. */
export function streamValue(keyIndex: number, step: number): number {
  return step + keyIndex / 16
}

/** The points of message `i`: every key at `pointsPerMessage / keys` consecutive steps. */
export function streamPoints(i: number, options: StreamOptions): { key: string; step: number; value: number }[] {
  const perKey = Math.max(1, Math.floor(options.pointsPerMessage / options.keys))
  const points: { key: string; step: number; value: number }[] = []
  for (let s = 0; s < perKey; s++) {
    const step = i * perKey + s
    for (let k = 0; k < options.keys; k++) points.push({ key: `ingest.k${k}`, step, value: streamValue(k, step) })
  }
  return points
}

/** A launcher whose workers stream `options`; `handles` lists every worker it started. */
export function streamLauncher(options: StreamOptions): WorkerLauncher & { handles: StreamHandle[] } {
  const handles: StreamHandle[] = []
  return {
    handles,
    spawn(): StreamHandle {
      let onMessage: (m: WorkerMessage) => void = () => {}
      let onExit: (code: number | null, signal: string | null) => void = () => {}
      let timer: NodeJS.Timeout | null = null
      let exited = false
      let sent = 0
      let runId: number | null = null
      const exit = (code: number | null, signal: string | null): void => {
        if (exited) return
        exited = true
        if (timer) clearInterval(timer)
        setImmediate(() => onExit(code, signal))
      }
      const say = (m: WorkerMessage): void => {
        if (!exited) onMessage(m)
      }
      const tick = (): void => {
        for (let n = 0; n < (options.messagesPerTick ?? 1); n++) {
          if (sent >= options.messages) {
            say({ type: 'result', results: { 'test.accuracy': 0.5, 'ingest.messages': sent } })
            say({ type: 'done' })
            exit(0, null)
            return
          }
          say({ type: 'metric', points: streamPoints(sent, options) })
          sent++
        }
        say({ type: 'heartbeat' })
      }
      const handle: StreamHandle = {
        pid: undefined,
        get runId() {
          return runId
        },
        get sent() {
          return sent
        },
        send(message: ParentMessage) {
          if (message.type !== 'start' || timer || exited) return
          runId = message.job.runId
          say({ type: 'backend', name: 'stream' })
          timer = setInterval(tick, options.intervalMs)
        },
        onMessage(h) {
          onMessage = h
        },
        onExit(h) {
          onExit = h
        },
        kill() {
          exit(null, 'SIGKILL')
        },
      }
      handles.push(handle)
      setImmediate(() => say({ type: 'ready' }))
      return handle
    },
  }
}
