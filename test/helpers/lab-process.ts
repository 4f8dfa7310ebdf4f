/**
 * A lab in a process of its own (the parent test can kill -9 it, limit its file size, run it as
 * another user, or start two at once). Run under tsx with one argument, a JSON `LabProcessConfig`.
 * It reports over IPC: `opened` or `refused`, `launched`, one `ack` per committed metric batch
 * (a `run.metric` event is emitted only after its transaction committed, so an acked point is a
 * point the lab promised to keep), `status` changes; and answers `call` and `stop` requests.
 */
import { createLab } from '../../src-main/lab/index'
import type { LabOptions } from '../../src-main/lab/types'
import { streamLauncher, type StreamOptions } from './stream-launcher'

export interface LabProcessConfig {
  dataDir: string
  dbPath?: string
  schedule?: boolean
  concurrency?: number
  /** Workers that stream metrics from inside this process; the real fork launcher when absent. */
  stream?: StreamOptions
  /** How long a run's events may wait for a database another program has locked (LabOptions). */
  lockWaitMs?: number
  /** A spec to launch once open. */
  launch?: Record<string, unknown>
  /** Send runs to remote workers through this queue (issue 17). */
  queue?: LabOptions['queue']
}

export type LabProcessMessage =
  | { type: 'opened'; pid: number }
  | { type: 'refused'; message: string }
  | { type: 'launched'; runIds: number[] }
  /** Per key: first step, last step, number of points (a batch's points, summarised). */
  | { type: 'ack'; runId: number; ranges: [string, number, number, number][] }
  | { type: 'status'; runId: number; status: string; error: string | null }
  | { type: 'reply'; id: number; envelope: unknown }
  | { type: 'warning'; message: string }

export type LabProcessRequest =
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'stop' }

function tell(m: LabProcessMessage): void {
  if (process.connected) process.send?.(m)
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as LabProcessConfig
  process.on('warning', (w) => tell({ type: 'warning', message: w.message }))
  const options: LabOptions = {
    dataDir: config.dataDir,
    dbPath: config.dbPath,
    schedule: config.schedule,
    concurrency: config.concurrency,
    lockWaitMs: config.lockWaitMs,
    queue: config.queue,
  }
  if (config.stream) options.launcher = streamLauncher(config.stream)
  let lab
  try {
    lab = await createLab(options)
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    tell({ type: 'refused', message })
    // Also on stderr: a test that waits for something else reports the exit with stderr.
    process.stderr.write(`the lab refused to start: ${message}\n`)
    process.exit(3)
  }
  lab.subscribe('run.metric', (p) => {
    const ranges = new Map<string, [string, number, number, number]>()
    for (const q of p.points) {
      const r = ranges.get(q.key)
      if (!r) ranges.set(q.key, [q.key, q.step, q.step, 1])
      else {
        r[1] = Math.min(r[1], q.step)
        r[2] = Math.max(r[2], q.step)
        r[3]++
      }
    }
    tell({ type: 'ack', runId: p.runId, ranges: [...ranges.values()] })
  })
  lab.subscribe('run.status', (p) => tell({ type: 'status', ...p }))
  process.on('message', (raw) => {
    const m = raw as LabProcessRequest
    if (m.type === 'call') {
      void lab.handle(m.method, m.input).then((envelope) => tell({ type: 'reply', id: m.id, envelope }))
    } else if (m.type === 'stop') {
      void lab.stop().then(() => process.exit(0))
    }
  })
  process.on('disconnect', () => process.exit(1))
  tell({ type: 'opened', pid: process.pid })
  if (config.launch) {
    const envelope = await lab.handle('experiments.launch', { spec: config.launch })
    if (envelope.ok) tell({ type: 'launched', runIds: (envelope.data as { runIds: number[] }).runIds })
    else tell({ type: 'refused', message: envelope.error.message })
  }
}

void main()
