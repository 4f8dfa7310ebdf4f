import * as tf from '@tensorflow/tfjs'
import {
  loadTensorflowBackend,
  loadWasmBackend,
  setWasmThreadCount,
  type LoadOutcome,
} from './backend-loaders'
import { BACKEND_ENV, BACKEND_NAMES, type BackendName, isBackendName } from './backend-names'
import { wasmThreadsFromEnv, withWasmThreads } from './wasm-threads'
import { describeAdapter } from './webgpu-dawn'
import { activeWebGpuAdapter, loadWebGpuBackend } from './webgpu-node'

export interface SelectBackendOptions {
  /**
   * XNNPACK threads of the wasm backend (default: COMPLAB_WASM_THREADS, else 1). Applies when
   * the wasm backend initialises, i.e. at the first selection of wasm in a process.
   */
  wasmThreads?: number
}

/**
 * Loads a backend's package. WebGPU: the automatic choice takes only a hardware adapter (a
 * software one is slower than wasm); an explicit `webgpu` takes any adapter.
 */
async function makeAvailable(name: BackendName, explicit: boolean): Promise<LoadOutcome> {
  if (name === 'webgpu') return loadWebGpuBackend(explicit ? 'any' : 'hardware')
  if (name === 'tensorflow') return loadTensorflowBackend()
  if (name === 'wasm') return loadWasmBackend()
  return { ok: true, detail: 'pure JavaScript' }
}

/**
 * Runs `f`, then removes the process-level error handlers it added. The wasm module (Emscripten)
 * adds handlers that rethrow every uncaught exception and unhandled rejection, which crashes the
 * process and prints the whole minified module; a worker must report its own errors instead.
 */
async function withoutNewErrorHandlers<T>(f: () => Promise<T>): Promise<T> {
  const exceptions = new Set(process.listeners('uncaughtException'))
  const rejections = new Set(process.listeners('unhandledRejection'))
  try {
    return await f()
  } finally {
    for (const l of process.listeners('uncaughtException')) {
      if (!exceptions.has(l)) process.removeListener('uncaughtException', l)
    }
    for (const l of process.listeners('unhandledRejection')) {
      if (!rejections.has(l)) process.removeListener('unhandledRejection', l)
    }
  }
}

async function activate(name: BackendName, options: SelectBackendOptions): Promise<boolean> {
  // Parsed before initialising, so that a bad COMPLAB_WASM_THREADS is an error that says so.
  const threads = name === 'wasm' ? (options.wasmThreads ?? wasmThreadsFromEnv()) : 1
  try {
    // tf.setBackend resolves false (and logs) when the backend's initialisation fails.
    const init = (): Promise<boolean> => withoutNewErrorHandlers(() => tf.setBackend(name))
    if (name !== 'wasm' || tf.engine().registry.wasm) return await init()
    setWasmThreadCount(threads)
    return threads > 1 ? await withWasmThreads(threads, init) : await init()
  } catch {
    return false
  }
}

/** Why an explicitly asked backend cannot be used here, in one line; null when it can. */
async function explicitProblem(asked: string, source: string): Promise<string | null> {
  if (!isBackendName(asked))
    return `unknown backend "${asked}" (${source}); choose one of ${BACKEND_NAMES.join(', ')}, or auto`
  const outcome = await makeAvailable(asked, true)
  return outcome.ok ? null : `backend "${asked}" is not available (${source}): ${outcome.detail}`
}

/**
 * Why `--backend name` cannot run here (unknown, or missing what it needs, with the fix), in one
 * line; null when it can, or for `auto`. Loads the backend's package but activates nothing, so a
 * launch can refuse before anything is queued.
 */
export async function backendProblem(name: string): Promise<string | null> {
  const asked = name.trim().toLowerCase()
  return asked === '' || asked === 'auto' ? null : explicitProblem(asked, 'requested')
}

/**
 * Chooses and activates the TF.js backend: the one asked for (argument, else the environment
 * variable COMPLAB_BACKEND), or the best available (a hardware WebGPU adapter → tensorflow →
 * wasm → cpu). Asking for an unknown or unavailable backend is an error that says why, in one line.
 * Returns the active backend's name.
 */
export async function selectBackend(
  preferred?: string,
  options: SelectBackendOptions = {},
): Promise<string> {
  // The umbrella package's "install tfjs-node" banner and debug checks are noise in a worker.
  if (!tf.env().getBool('PROD')) tf.enableProdMode()
  const asked = (preferred ?? process.env[BACKEND_ENV] ?? '').trim().toLowerCase()
  if (asked && asked !== 'auto') {
    const source = preferred !== undefined ? 'requested' : `${BACKEND_ENV}=${asked}`
    const problem = await explicitProblem(asked, source)
    if (problem !== null || !isBackendName(asked)) throw new Error(problem ?? 'unreachable')
    if (!(await activate(asked, options)))
      throw new Error(`backend "${asked}" failed to initialise (${source})`)
    return tf.getBackend()
  }
  for (const name of BACKEND_NAMES) {
    const outcome = await makeAvailable(name, false)
    if (outcome.ok && (await activate(name, options))) return tf.getBackend()
  }
  throw new Error('no TF.js backend could be initialised (not even cpu)')
}

/** The active backend in words: its name and, on webgpu, the adapter (software or hardware). */
export function describeActiveBackend(): string {
  const name = tf.getBackend()
  const adapter = name === 'webgpu' ? activeWebGpuAdapter() : null
  return adapter ? `webgpu on ${describeAdapter(adapter)}` : name
}
