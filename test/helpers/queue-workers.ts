/**
 * Remote workers for the queue's tests (issue 17): `complab worker` processes, each with its own
 * data folder (a "machine"), on the wasm backend, with a short lock so a killed one is noticed in
 * seconds; and a lab in this process that sends its runs to the queue.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLab, type Lab } from '../../src-main/lab/index'
import type { LabOptions } from '../../src-main/lab/types'
import { startComplab } from './complab'

/** BullMQ's lock in the tests: a worker silent this long is presumed dead. */
export const TEST_LOCK_MS = 3000

export interface TestWorker {
  readonly name: string
  readonly dataDir: string
  readonly pid: number
  output(): string
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Sends `signal` and leaves the process be. */
  signal(signal: NodeJS.Signals): void
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>
}

/** Starts `complab worker` named `name`; resolves once it takes runs. */
export async function startWorker(url: string, name: string, dataDir?: string, extra: string[] = [], env: Record<string, string> = {}): Promise<TestWorker> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), `complab-${name}-`))
  // An empty url: the worker reads COMPLAB_QUEUE_URL from `env` (no password in its arguments).
  const queue = url ? ['--queue', url] : []
  const w = startComplab(['worker', ...queue, '--name', name, '--data-dir', dir, '--backend', 'wasm', '--lock-ms', String(TEST_LOCK_MS), ...extra], env)
  const until = Date.now() + 60_000
  while (!w.stdout().includes('takes runs from the queue')) {
    if (w.child.exitCode !== null || Date.now() > until)
      throw new Error(`worker ${name} did not start: ${w.stdout()} ${w.stderr()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    name,
    dataDir: dir,
    pid: w.child.pid!,
    output: () => w.stdout() + w.stderr(),
    signal: (signal) => void w.child.kill(signal),
    exited: w.exited,
    async kill(signal = 'SIGKILL') {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill(signal)
        await w.exited
      }
      if (!dataDir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A lab in this process whose runs go to the queue at `url`. */
export function queueLab(dataDir: string, url: string, more: Partial<LabOptions['queue']> = {}): Promise<Lab> {
  return createLab({ dataDir, backend: 'wasm', queue: { url, attempts: 3, checkMs: 300, ...more } })
}

/** Resolves once `test` holds (polled), or throws after `ms`. */
export async function until(test: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
