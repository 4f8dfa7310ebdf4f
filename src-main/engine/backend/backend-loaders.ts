/**
 * Making each backend available to TF.js: native TensorFlow through the optional packages
 * `@tensorflow/tfjs-node-gpu` / `@tensorflow/tfjs-node` (absent on most machines, so imported
 * dynamically), wasm with the lab's extra training kernels, and the pure-JS cpu backend.
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type * as WasmBackend from '@tensorflow/tfjs-backend-wasm'
import { registerWasmKernels } from '../kernels/register-wasm-kernels'

export interface LoadOutcome {
  ok: boolean
  /** What was loaded, or why it could not be. */
  detail: string
}

/** The native TensorFlow packages, GPU build first. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const

const require = createRequire(import.meta.url)

/** Whether a package can be resolved from the engine (installed), without loading it. */
export function isInstalled(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`)
    return true
  } catch {
    return false
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]
}

const nativeOutcomes = new Map<string, LoadOutcome>()

/** Imports one native package (registering the `tensorflow` backend); remembered per process. */
export async function loadNativePackage(pkg: string): Promise<LoadOutcome> {
  const known = nativeOutcomes.get(pkg)
  if (known) return known
  let outcome: LoadOutcome
  if (!isInstalled(pkg)) {
    outcome = { ok: false, detail: `${pkg} is not installed` }
  } else {
    try {
      // A variable specifier keeps bundlers and tsc from requiring the optional package.
      const specifier: string = pkg
      await import(/* @vite-ignore */ specifier)
      outcome = tf.findBackendFactory('tensorflow')
        ? { ok: true, detail: `${pkg} loaded` }
        : {
            ok: false,
            detail: `${pkg} loaded but registered no 'tensorflow' backend (version mismatch?)`,
          }
    } catch (e) {
      outcome = { ok: false, detail: `${pkg} is installed but failed to load: ${firstLine(e)}` }
    }
  }
  nativeOutcomes.set(pkg, outcome)
  return outcome
}

/** Tries the GPU build, then the CPU build of native TensorFlow. */
export async function loadTensorflowBackend(): Promise<LoadOutcome> {
  const reasons: string[] = []
  for (const pkg of NATIVE_PACKAGES) {
    const outcome = await loadNativePackage(pkg)
    if (outcome.ok) return outcome
    reasons.push(outcome.detail)
  }
  return { ok: false, detail: reasons.join('; ') }
}

let wasmOutcome: LoadOutcome | null = null

/** Folder of the wasm binaries, so they load wherever the engine's JS ends up (bundled or not). */
export function wasmBinaryDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/'
}

let wasmModule: typeof WasmBackend | null = null

/**
 * Chooses the wasm build before the backend initialises: the threaded SIMD build with `threads`
 * XNNPACK threads when threads > 1, else the single-threaded SIMD build. No effect once the
 * backend has initialised (its module is loaded once per process).
 */
export function setWasmThreadCount(threads: number): void {
  if (!wasmModule) throw new Error('load the wasm backend first')
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1)
  wasmModule.setThreadsCount(threads)
}

/** XNNPACK threads of the initialised wasm backend (1 for the single-threaded build), else null. */
export function wasmThreadsInUse(): number | null {
  if (!wasmModule || !tf.engine().registry.wasm) return null
  return Math.max(1, wasmModule.getThreadsCount())
}

/** Imports the wasm backend, points it at its binaries and registers the extra kernels. */
export async function loadWasmBackend(): Promise<LoadOutcome> {
  if (wasmOutcome) return wasmOutcome
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    wasm.setWasmPaths(wasmBinaryDir())
    wasmModule = wasm
    registerWasmKernels()
    wasmOutcome = { ok: true, detail: `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm}` }
  } catch (e) {
    wasmOutcome = {
      ok: false,
      detail: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(e)}`,
    }
  }
  return wasmOutcome
}
