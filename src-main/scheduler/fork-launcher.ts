/**
 * Headless worker launcher: `child_process.fork` of the worker entry (DESIGN §1). From source
 * the entry is TypeScript, bundled once into JavaScript (worker-bundle.ts; under tsx where it
 * cannot be); built, it is `worker.js` beside the main bundle.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ParentMessage, WorkerMessage } from '../worker/protocol'
import type { WorkerHandle, WorkerLauncher } from './launcher'
import { warn } from './options'
import { bundleWorker } from './worker-bundle'

/** How much of a worker's stderr is kept to explain a crash. */
const STDERR_TAIL_BYTES = 4096

/** A worker handle that can also say what the worker last wrote to stderr. */
export interface ForkedWorker extends WorkerHandle {
  stderrTail(): string
}

/**
 * The worker entry for the way the lab is running: `src-main/worker/index.ts` from source
 * (this module is a `.ts` file), `worker.js` next to the bundled module otherwise.
 */
export function resolveWorkerEntry(moduleUrl: string = import.meta.url): string {
  const here = new URL(moduleUrl)
  if (here.pathname.endsWith('.ts')) return fileURLToPath(new URL('../worker/index.ts', here))
  return fileURLToPath(new URL('./worker.js', here))
}

/**
 * The handle of a forked worker. Its stderr is passed through (a developer running the lab sees
 * worker errors, unless `echoStderr` is false) and its end is kept to explain a crash.
 */
export function forkedHandle(child: ChildProcess, echoStderr = true): ForkedWorker {
  let tail = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    if (echoStderr) process.stderr.write(chunk)
    tail = (tail + chunk).slice(-STDERR_TAIL_BYTES)
  })
  // A send to a dead child emits 'error'; the exit handler reports the failure.
  child.on('error', () => {})
  return {
    get pid() {
      return child.pid
    },
    send(message: ParentMessage) {
      if (child.connected) child.send(message)
    },
    onMessage(handler) {
      child.on('message', (m) => handler(m as WorkerMessage))
    },
    onExit(handler) {
      let called = false
      const once = (code: number | null, signal: string | null): void => {
        if (called) return
        called = true
        handler(code, signal)
      }
      child.once('exit', (code, signal) => once(code, signal))
      // fork itself failed (e.g. no such executable): 'exit' may never come.
      child.once('error', (err) => {
        if (child.pid === undefined) {
          tail += `\n${err.message}`
          once(null, null)
        }
      })
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
    stderrTail() {
      return tail
    },
  }
}

/** tsx's loader as an absolute URL, so a worker started from any working directory finds it. */
function tsxImport(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  } catch {
    return 'tsx'
  }
}

/**
 * What to fork for `entry`: a `.js` entry as it is; a `.ts` one as its bundle (built on the first
 * call, again if it was removed), or under tsx where no bundle can be made.
 */
export function forkTarget(entry: string): () => { file: string; execArgv: string[] } {
  if (!entry.endsWith('.ts')) return () => ({ file: entry, execArgv: [] })
  let bundle: string | null = null
  let unbundled = false
  return () => {
    if (!unbundled && (bundle === null || !existsSync(bundle))) {
      try {
        bundle = bundleWorker(entry)
      } catch (err) {
        unbundled = true
        warn('runs start under tsx (slower): the run worker could not be bundled', err)
      }
    }
    return unbundled || bundle === null ? { file: entry, execArgv: ['--import', tsxImport()] } : { file: bundle, execArgv: [] }
  }
}

/** Starts each worker with `child_process.fork` of the entry (see `forkTarget`). */
export function forkLauncher(entry: string = resolveWorkerEntry()): WorkerLauncher {
  if (!existsSync(entry)) throw new Error(`worker entry ${entry} does not exist`)
  const target = forkTarget(entry)
  return {
    spawn(): ForkedWorker {
      const { file, execArgv } = target()
      const child = fork(file, [], {
        execArgv,
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        serialization: 'advanced',
        // The worker exits when this process is gone (see src-main/worker/index.ts).
        env: { ...process.env, COMPLAB_LAB_PID: String(process.pid) },
      })
      return forkedHandle(child)
    },
  }
}
