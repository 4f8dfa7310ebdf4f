/**
 * Making `@tensorflow/tfjs-backend-webgpu` 4.22 work under Node on Dawn's binding (`webgpu`):
 * - Dawn's interface globals (GPUBufferUsage, GPUMapMode…, read by the backend as globals) and
 *   `navigator.gpu` (its constructor refuses to run without one) are installed from Dawn's
 *   `create([])`, never over ones the host already has (a browser or Electron window);
 * - the package registers its backend at import only where `navigator.gpu` already exists, asking
 *   for an adapter itself; the lab registers its own factory instead, on the adapter it checked
 *   (a hardware one for the automatic choice, any for an explicit `webgpu`), with a device
 *   descriptor whose feature list is plain strings the adapter has (4.22 pushes
 *   `['bgra8unorm-storage']`, an array, into it) and the adapter facts from `adapter.info`
 *   (newer Dawn dropped `requestAdapterInfo`);
 * - synchronous reads (`dataSync`, `arraySync`, `print`) need `OffscreenCanvas`, which Node lacks:
 *   they fail at once with an error that says to read asynchronously, instead of a bare
 *   ReferenceError half-way through the backend's staging code.
 */
import * as tf from '@tensorflow/tfjs'
import type { LoadOutcome } from './backend-loaders'
import { isInstalled } from './backend-loaders'
import {
  describeAdapter,
  loadDawn,
  requestTrainingAdapter,
  summariseAdapter,
  type GpuAdapterInfoLike,
  type GpuAdapterLike,
  type GpuLike,
  type WebGpuAdapterSummary,
} from './webgpu-dawn'
import { watchDevice, type WatchedDevice } from './webgpu-faults'
import { timePipelineCreation } from './webgpu-pipelines'

type DeviceWithPipelines = Parameters<typeof timePipelineCreation>[0]

/** Why a synchronous read fails on this backend, and what to do instead. */
export const SYNC_READ_UNAVAILABLE =
  'synchronous reads (dataSync, arraySync, print) are not available on the webgpu backend ' +
  'under Node: they need OffscreenCanvas, which Node lacks. Read asynchronously: ' +
  'await tensor.data() or await tensor.array()'

const BACKEND_PACKAGE = '@tensorflow/tfjs-backend-webgpu'

interface TensorDataLike {
  values?: unknown
  dtype: string
}

/** The part of the package's WebGPUBackend the lab touches. */
interface WebGpuBackendInstance {
  readSync(dataId: object): unknown
  tensorMap: { get(dataId: object): TensorDataLike | undefined }
}

interface WebGpuBackendClass {
  new (device: unknown, adapterInfo?: GpuAdapterInfoLike): tf.KernelBackend
  prototype: WebGpuBackendInstance
}

interface WebGpuBackendModule {
  WebGPUBackend: WebGpuBackendClass
}

/** The device the backend asks of `adapter`: the limits 4.22 asks, features as plain strings. */
export function deviceDescriptorFor(adapter: GpuAdapterLike): {
  requiredFeatures: string[]
  requiredLimits: Record<string, number>
} {
  const wanted = ['timestamp-query', 'bgra8unorm-storage']
  const limits = [
    'maxComputeWorkgroupStorageSize',
    'maxComputeWorkgroupsPerDimension',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
    'maxComputeWorkgroupSizeX',
    'maxComputeInvocationsPerWorkgroup',
  ]
  const requiredLimits: Record<string, number> = {}
  for (const name of limits) {
    const value = adapter.limits[name]
    if (typeof value === 'number') requiredLimits[name] = value
  }
  return { requiredFeatures: wanted.filter((f) => adapter.features.has(f)), requiredLimits }
}

const guarded = new WeakSet<object>()

/** Makes a sync read of data that lives only on the GPU throw SYNC_READ_UNAVAILABLE. */
export function guardSyncReads(backendClass: WebGpuBackendClass): void {
  const proto = backendClass.prototype
  if (guarded.has(proto)) return
  const original = proto.readSync
  proto.readSync = function (this: WebGpuBackendInstance, dataId: object): unknown {
    const data = this.tensorMap.get(dataId)
    // Values still on the CPU (uploads not yet made, strings, reads already done) are fine; a
    // complex tensor reads its two parts, each through this guard.
    if (!data || data.values != null || data.dtype === 'string' || data.dtype === 'complex64')
      return original.call(this, dataId)
    throw new Error(SYNC_READ_UNAVAILABLE)
  }
  guarded.add(proto)
}

/**
 * On a software adapter, tfjs's packed matmul for every shape. SwiftShader runs workgroup barriers
 * as coroutines, and the reduce program tfjs picks for outputs of at most 128 elements (a dense
 * layer's gradient) loops over barriers: one training step of a tiny conv net took 0.9–1.4 s of
 * which ~1 s in BatchMatMul, against 0.3 s with the packed program (SwiftShader 5.0.0, measured on
 * 2 shared cores). A flag the user set is kept.
 */
function preferPackedMatMul(): void {
  const auto = -1
  const packed = 3 // MatMulProgramType.MatMulPackedProgram in 4.22
  if (tf.env().get('WEBGPU_MATMUL_PROGRAM_TYPE') === auto)
    tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', packed)
}

interface NavigatorHost {
  navigator?: { gpu?: unknown }
}

/** Dawn's globals and `navigator.gpu`, where the host has none; returns the GPU to use. */
function installGlobals(globals: Record<string, unknown>, gpu: GpuLike): GpuLike {
  const host = globalThis as unknown as NavigatorHost & Record<string, unknown>
  for (const [name, value] of Object.entries(globals)) if (!(name in host)) host[name] = value
  if (host.navigator?.gpu) return host.navigator.gpu as GpuLike
  if (host.navigator) {
    // Node ≥ 21 has a Navigator object without `gpu`.
    Object.defineProperty(host.navigator, 'gpu', { value: gpu, configurable: true })
  } else {
    Object.defineProperty(globalThis, 'navigator', {
      value: { gpu },
      configurable: true,
      writable: true,
    })
  }
  return gpu
}

let gpu: GpuLike | null = null
let registered: { adapter: WebGpuAdapterSummary } | null = null

/** The adapter the `webgpu` backend runs on in this process (once registered), else null. */
export function activeWebGpuAdapter(): WebGpuAdapterSummary | null {
  return registered?.adapter ?? null
}

async function importBackendModule(): Promise<WebGpuBackendModule> {
  const specifier: string = BACKEND_PACKAGE
  const mod = (await import(/* @vite-ignore */ specifier)) as Partial<WebGpuBackendModule>
  if (typeof mod.WebGPUBackend !== 'function')
    throw new Error(`${BACKEND_PACKAGE} exports no WebGPUBackend (version mismatch?)`)
  return mod as WebGpuBackendModule
}

/**
 * Makes the `webgpu` backend available on a WebGPU adapter: `hardware` (the automatic choice)
 * refuses a software adapter, `any` (an explicit `webgpu`) takes one. Says exactly why not.
 */
export async function loadWebGpuBackend(accept: 'hardware' | 'any'): Promise<LoadOutcome> {
  if (registered) {
    const a = registered.adapter
    return accept === 'hardware' && a.software
      ? { ok: false, detail: `the only WebGPU adapter is a software one (${describeAdapter(a)})` }
      : { ok: true, detail: `WebGPU on ${describeAdapter(a)}` }
  }
  if (!isInstalled(BACKEND_PACKAGE))
    return {
      ok: false,
      detail: `the optional package ${BACKEND_PACKAGE} is not installed: npm install ${BACKEND_PACKAGE}@4.22.0`,
    }
  const dawn = await loadDawn()
  if (!dawn.ok) return { ok: false, detail: dawn.detail }
  gpu ??= dawn.dawn.create([])
  const { adapter, detail } = await requestTrainingAdapter(gpu, accept)
  if (!adapter) return { ok: false, detail }
  let mod: WebGpuBackendModule
  try {
    mod = await importBackendModule()
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]
    return { ok: false, detail: `${BACKEND_PACKAGE} failed to load: ${first}` }
  }
  installGlobals(dawn.dawn.globals, gpu)
  guardSyncReads(mod.WebGPUBackend)
  // A factory the package registered itself (navigator.gpu was there first) is replaced by the
  // lab's, which uses the adapter checked above; an initialised backend is left as it is.
  if (tf.findBackendFactory('webgpu') && !tf.engine().registry.webgpu) tf.removeBackend('webgpu')
  if (!tf.findBackendFactory('webgpu')) {
    tf.registerBackend(
      'webgpu',
      async () => {
        const device = await adapter.requestDevice(deviceDescriptorFor(adapter))
        watchDevice(device as WatchedDevice, summariseAdapter(adapter))
        return new mod.WebGPUBackend(timePipelineCreation(device as DeviceWithPipelines), adapter.info)
      },
      3,
    )
  }
  const summary = summariseAdapter(adapter)
  if (summary.software) preferPackedMatMul()
  registered = { adapter: summary }
  return { ok: true, detail: `WebGPU on ${describeAdapter(summary)}` }
}
