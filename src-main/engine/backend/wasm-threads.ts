/**
 * Starting the threaded SIMD build of the wasm backend under Node. As shipped it never runs there:
 * tfjs-backend-wasm 4.22 reports no thread support when `IS_NODE`, and even when told otherwise
 * its Emscripten glue cannot start a pthread worker in Node — the worker script and the module
 * it must load are handed over as Blob URLs, which `worker_threads` cannot load — and the C++
 * side caps the XNNPACK thread pool at half the logical cores (it assumes two hyper-threads per
 * core), which is 1 on a 2-CPU machine. So, only while the backend initialises:
 * - the global `Worker` the glue instantiates is a `worker_threads.Worker` that runs the package's
 *   own worker script (`wasm-out/…threaded-simd.worker.js`, evaluated as the glue's Blob would
 *   be) and that points the worker's `load` message at the package's glue file instead of a Blob;
 * - `os.cpus()` reports twice the wanted thread count, so that the cap lets it through.
 * The glue preloads a pool of 8 workers (each instantiates the module on the shared memory);
 * XNNPACK then uses `threads` of them. Running pthread workers are kept unreferenced, so they
 * never keep a finished process alive.
 */
import { createRequire } from 'node:module'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { Worker as NodeWorker, type TransferListItem } from 'node:worker_threads'

const require = createRequire(import.meta.url)

/** The size of the glue's preloaded worker pool (PTHREAD_POOL_SIZE of the 4.22 build). */
export const WASM_PTHREAD_POOL_SIZE = 8

/** Environment variable: XNNPACK threads of the wasm backend (1 = the single-threaded SIMD build). */
export const WASM_THREADS_ENV = 'COMPLAB_WASM_THREADS'

function wasmOutDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out')
}

/** The Emscripten glue of the threaded build, which each pthread worker evaluates. */
function threadedGluePath(): string {
  return join(wasmOutDir(), 'tfjs-backend-wasm-threaded-simd.js')
}

/**
 * The worker's bootstrap: the package's worker script (exported there as a string, as the glue
 * embeds it) with its literal line breaks escaped, as tfjs does before making its Blob.
 */
function workerBootstrap(): string {
  const script = JSON.stringify(join(wasmOutDir(), 'tfjs-backend-wasm-threaded-simd.worker.js'))
  return `(0, eval)(require(${script}).wasmWorkerContents.replace(/\\n/g, '\\\\n'))`
}

interface LoadMessage {
  cmd: 'load'
  urlOrBlob?: unknown
}

function isLoadMessage(message: unknown): message is LoadMessage {
  return (
    typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === 'load'
  )
}

/** A pthread worker that Node can start (see the file comment). */
class PthreadWorker extends NodeWorker {
  constructor() {
    super(workerBootstrap(), { eval: true })
  }

  override postMessage(message: unknown, transferList?: readonly TransferListItem[]): void {
    const fixed =
      isLoadMessage(message) && typeof message.urlOrBlob !== 'string'
        ? { ...message, urlOrBlob: threadedGluePath() }
        : message
    super.postMessage(fixed, transferList)
  }

  // The glue references a worker while it runs a pthread: XNNPACK's pool threads run for the
  // life of the process, which then would never exit by itself.
  override ref(): void {}
}

/** The thread count asked for by COMPLAB_WASM_THREADS (default 1), clamped to the pool size. */
export function wasmThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[WASM_THREADS_ENV]?.trim()
  if (!raw) return 1
  if (raw === 'auto') return Math.min(os.availableParallelism(), WASM_PTHREAD_POOL_SIZE)
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${WASM_THREADS_ENV} must be a whole number ≥ 1 or auto, not "${raw}"`)
  return Math.min(n, WASM_PTHREAD_POOL_SIZE)
}

/**
 * Runs `init` (the wasm backend's initialisation) with the Node pthread shims in place, so that
 * the threaded build starts with `threads` XNNPACK threads; restores the globals afterwards.
 */
export async function withWasmThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const previousWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker')
  const cpus = os.cpus
  // The glue assigns `global.Worker = worker_threads.Worker` before allocating its pool: ignore it.
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    set: () => undefined,
  })
  const one = cpus()[0]
  os.cpus = (): os.CpuInfo[] => Array.from({ length: 2 * threads }, () => one)
  try {
    return await init()
  } finally {
    os.cpus = cpus
    if (previousWorker) Object.defineProperty(globalThis, 'Worker', previousWorker)
    else delete (globalThis as { Worker?: unknown }).Worker
  }
}
