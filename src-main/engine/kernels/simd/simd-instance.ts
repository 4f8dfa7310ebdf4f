/**
 * The lab's own WebAssembly SIMD kernels (the .wat files here, compiled into simd-modules.ts),
 * instantiated on the wasm backend's memory so that they read and write tensor data in place:
 * a tensor's data is at byte `backend.getMemoryOffset(dataId)` of that memory. One instance per
 * backend and module; null where this runtime cannot run it (no SIMD), so callers fall back.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { SIMD_MODULES } from './simd-modules'

/** The exports of an instance: functions taking and returning numbers. */
export type SimdExports = Record<string, unknown>

// The WebAssembly JS API, typed here as far as it is used (the main-process tsconfig has no DOM lib).
interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer
}
const WasmApi = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: abstract new () => WasmMemory
      Module: new (bytes: Uint8Array) => object
      Instance: new (module: object, imports: object) => { exports: SimdExports }
    }
  }
).WebAssembly

const instances = new WeakMap<BackendWasm, Map<string, SimdExports | null>>()

/** The backend's WebAssembly.Memory: `wasmMemory` in the threaded build, the export otherwise. */
function backendMemory(backend: BackendWasm): WasmMemory | null {
  const module = backend.wasm as unknown as { wasmMemory?: unknown; asm?: { memory?: unknown } }
  const memory = module.wasmMemory ?? module.asm?.memory
  return memory instanceof WasmApi.Memory ? memory : null
}

/** The exports of module `name` bound to the backend's memory, or null if it cannot run here. */
export function simdKernels(
  backend: BackendWasm,
  name: keyof typeof SIMD_MODULES,
): SimdExports | null {
  let perBackend = instances.get(backend)
  if (!perBackend) {
    perBackend = new Map()
    instances.set(backend, perBackend)
  }
  if (perBackend.has(name)) return perBackend.get(name) ?? null
  let exports: SimdExports | null = null
  const memory = backendMemory(backend)
  const source = SIMD_MODULES[name]
  if (memory && source) {
    try {
      const shared = memory.buffer instanceof SharedArrayBuffer
      const bytes = Buffer.from(shared ? source.shared : source.plain, 'base64')
      exports = new WasmApi.Instance(new WasmApi.Module(bytes), { env: { memory } }).exports
    } catch {
      exports = null
    }
  }
  perBackend.set(name, exports)
  return exports
}
