/**
 * A worker launcher over `child_process.fork` of any entry, with its own arguments and
 * environment: the stub worker (a real process that speaks the protocol without TensorFlow), or
 * the real worker with a fault-injection module preloaded. Counts how many are alive at once.
 */
import { fork } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { forkedHandle } from '../../src-main/scheduler/fork-launcher'
import type { WorkerHandle, WorkerLauncher } from '../../src-main/scheduler/launcher'

export interface ProcessLauncher extends WorkerLauncher {
  readonly handles: (WorkerHandle & { stderrTail(): string })[]
  /** Workers alive right now, and the most that were alive at once. */
  readonly alive: number
  readonly maxAlive: number
}

/** tsx's loader as a URL (for `.ts` entries and preloads). */
export function tsxImport(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
}

/** The stub worker entry (plain JavaScript). */
export const STUB_WORKER = fileURLToPath(new URL('./stub-worker.mjs', import.meta.url))
/** The lab's real worker entry (TypeScript, under tsx). */
export const REAL_WORKER = fileURLToPath(new URL('../../src-main/worker/index.ts', import.meta.url))

/** Forks `entry` for every run, with `execArgv` (e.g. preloads) and extra environment. */
export function processLauncher(
  entry: string,
  options: { execArgv?: string[]; env?: Record<string, string> } = {},
): ProcessLauncher {
  const handles: (WorkerHandle & { stderrTail(): string })[] = []
  let alive = 0
  let maxAlive = 0
  const execArgv = [...(entry.endsWith('.ts') ? ['--import', tsxImport()] : []), ...(options.execArgv ?? [])]
  return {
    handles,
    get alive() {
      return alive
    },
    get maxAlive() {
      return maxAlive
    },
    spawn() {
      const child = fork(entry, [], {
        execArgv,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        serialization: 'advanced',
        env: { ...process.env, ...options.env },
      })
      alive++
      maxAlive = Math.max(maxAlive, alive)
      child.once('exit', () => alive--)
      const handle = forkedHandle(child, false)
      handles.push(handle)
      return handle
    },
  }
}
