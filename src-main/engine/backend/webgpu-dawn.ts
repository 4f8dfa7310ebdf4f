/**
 * WebGPU adapters under Node through Dawn's npm binding `webgpu` (an optional dependency, loaded
 * lazily): loading it, listing every adapter Dawn sees, telling software adapters (SwiftShader,
 * llvmpipe/lavapipe, WARP) from hardware ones, and saying exactly what is missing where there is
 * none. Only the few WebGPU types the lab reads are declared here: the package's `@webgpu/types`
 * sits in its own node_modules and is absent wherever the optional install failed.
 */
import type { WebGpuAdapter } from '../../../src-shared/types'
import { describeAdapter } from '../../../src-shared/webgpu-adapter'
import { isInstalled } from './backend-loaders'
import { findSharedLibrary } from './cuda-probe'

/** The adapter facts the lab reads (a subset of WebGPU's GPUAdapterInfo). */
export interface GpuAdapterInfoLike {
  vendor: string
  architecture: string
  device: string
  description: string
  /** Dawn 0.6 reports it here; older Dawn on the adapter itself. */
  isFallbackAdapter?: boolean
}

export interface GpuAdapterLike {
  readonly info: GpuAdapterInfoLike
  readonly features: ReadonlySet<string>
  readonly limits: Readonly<Record<string, number>>
  readonly isFallbackAdapter?: boolean
  requestDevice(descriptor?: {
    requiredFeatures?: string[]
    requiredLimits?: Record<string, number>
  }): Promise<unknown>
}

export interface GpuLike {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance'
    forceFallbackAdapter?: boolean
  }): Promise<GpuAdapterLike | null>
}

/** The `webgpu` package's exports: `create(dawnOptions)` and the WebGPU interface globals. */
export interface DawnBinding {
  create(options: string[]): GpuLike
  globals: Record<string, unknown>
}

/** One adapter as the doctor and the backend choice report it. */
export type WebGpuAdapterSummary = WebGpuAdapter

/** The pinned version the lab is tested with (package.json optionalDependencies). */
export const WEBGPU_PACKAGE = 'webgpu@0.6.2'

export type DawnLoad = { ok: true; dawn: DawnBinding } | { ok: false; detail: string }

let dawnLoad: DawnLoad | null = null

/** Imports `webgpu` once per process; where it is missing or broken, says why. */
export async function loadDawn(): Promise<DawnLoad> {
  if (dawnLoad) return dawnLoad
  if (!isInstalled('webgpu')) {
    dawnLoad = {
      ok: false,
      detail: `the optional package webgpu (Dawn) is not installed: npm install ${WEBGPU_PACKAGE}`,
    }
    return dawnLoad
  }
  try {
    // A variable specifier keeps bundlers and tsc from requiring the optional package.
    const specifier: string = 'webgpu'
    const mod = (await import(/* @vite-ignore */ specifier)) as Partial<DawnBinding>
    if (typeof mod.create !== 'function' || typeof mod.globals !== 'object' || !mod.globals)
      throw new Error('it exports no create() and globals (not Dawn’s binding?)')
    dawnLoad = { ok: true, dawn: { create: mod.create, globals: mod.globals } }
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0]
    dawnLoad = {
      ok: false,
      detail: `webgpu is installed but its native binding failed to load on ${process.platform} ${process.arch}: ${first}`,
    }
  }
  return dawnLoad
}

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i

/** Whether an adapter is a CPU implementation (Dawn's fallback flag, else its known names). */
export function isSoftwareAdapter(adapter: GpuAdapterLike): boolean {
  const i = adapter.info
  if (i.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true
  return SOFTWARE_NAMES.test([i.vendor, i.architecture, i.device, i.description].join(' '))
}

/** The report form of an adapter. */
export function summariseAdapter(
  adapter: GpuAdapterLike,
  backend: string | null = null,
): WebGpuAdapterSummary {
  const i = adapter.info
  return {
    backend,
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    software: isSoftwareAdapter(adapter),
    maxBufferSize: adapter.limits.maxBufferSize ?? 0,
  }
}

export { describeAdapter }

/**
 * The adapters listed in Dawn's "no suitable backends found" error, which `create(['adapter=X'])`
 * raises for a name that matches none (the package's documented way to list them):
 * ` * backend: 'vulkan', name: 'SwiftShader Device (Subzero)'`.
 */
export function parseAdapterListing(message: string): { backend: string; name: string }[] {
  const found: { backend: string; name: string }[] = []
  for (const m of message.matchAll(/\* backend: '([^']*)', name: '([^']*)'/g))
    found.push({ backend: m[1], name: m[2] })
  return found
}

const NO_SUCH_ADAPTER = 'complab-lists-adapters-\u2205'

async function adapterNames(dawn: DawnBinding): Promise<{ backend: string; name: string }[]> {
  try {
    await dawn.create([`adapter=${NO_SUCH_ADAPTER}`]).requestAdapter()
    return [] // no error: Dawn found no adapter at all
  } catch (e) {
    return parseAdapterListing(e instanceof Error ? e.message : String(e))
  }
}

/** Every adapter Dawn sees (each asked for by name), else the default ones. Never throws. */
export async function listWebGpuAdapters(dawn: DawnBinding): Promise<WebGpuAdapterSummary[]> {
  const out: WebGpuAdapterSummary[] = []
  const seen = new Set<string>()
  const add = (a: GpuAdapterLike | null, backend: string | null): void => {
    if (!a) return
    const s = summariseAdapter(a, backend)
    const key = [s.vendor, s.architecture, s.device, s.description].join('|')
    if (seen.has(key)) return
    seen.add(key)
    out.push(s)
  }
  for (const { backend, name } of await adapterNames(dawn)) {
    try {
      add(await dawn.create([`backend=${backend}`, `adapter=${name}`]).requestAdapter(), backend)
    } catch {
      // listed but not obtainable by name: the defaults below may still find it
    }
  }
  if (out.length === 0) {
    const gpu = dawn.create([])
    const defaults = [
      { powerPreference: 'high-performance' as const },
      { forceFallbackAdapter: true },
    ]
    for (const options of defaults) add(await gpu.requestAdapter(options).catch(() => null), null)
  }
  return out
}

/**
 * The adapter the lab trains on: the high-performance one Dawn offers; `hardware` refuses a
 * software adapter (the automatic choice), `any` takes it (an explicit `webgpu`).
 */
export async function requestTrainingAdapter(
  gpu: GpuLike,
  accept: 'hardware' | 'any',
): Promise<{ adapter: GpuAdapterLike | null; detail: string }> {
  const adapter = await gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch(() => null)
  if (!adapter) return { adapter: null, detail: noAdapterReason() }
  if (accept === 'hardware' && isSoftwareAdapter(adapter))
    return {
      adapter: null,
      detail: `the only WebGPU adapter is a software one (${describeAdapter(summariseAdapter(adapter))})`,
    }
  return { adapter, detail: describeAdapter(summariseAdapter(adapter)) }
}

/** What the machine lacks for a WebGPU adapter, and the fix for its platform. */
export interface NoAdapterFacts {
  platform: string
  /** Linux: whether the Vulkan loader libvulkan.so.1 can be found. */
  vulkanLoader?: boolean
  /** NVIDIA containers: NVIDIA_DRIVER_CAPABILITIES, when set. */
  nvidiaCapabilities?: string
  /** Whether a software adapter is already there (then SwiftShader is no fix to offer). */
  softwareAdapter?: boolean
}

/** The fix for a platform with no WebGPU adapter (pure). */
export function noAdapterFix(f: NoAdapterFacts): string {
  if (f.platform === 'darwin')
    return 'WebGPU uses Metal on macOS: run on macOS 11 or later on a Mac with a Metal GPU (not in a VM without GPU access)'
  if (f.platform === 'win32')
    return 'WebGPU uses Direct3D 12 on Windows: install the GPU vendor’s current driver (Windows 10 1909 or later)'
  const parts: string[] = []
  if (f.vulkanLoader === false) parts.push('install the Vulkan loader (Debian/Ubuntu: apt-get install libvulkan1)')
  parts.push(
    'install your GPU driver’s Vulkan ICD (NVIDIA: the proprietary driver; AMD/Intel: mesa-vulkan-drivers)',
  )
  const caps = f.nvidiaCapabilities
  if (caps !== undefined && caps !== 'all' && !caps.split(',').includes('graphics'))
    parts.push(
      `in an NVIDIA container add graphics to NVIDIA_DRIVER_CAPABILITIES (now "${caps}"), e.g. NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics`,
    )
  else if (caps === undefined)
    parts.push('NVIDIA containers need graphics in NVIDIA_DRIVER_CAPABILITIES')
  if (!f.softwareAdapter)
    parts.push(
      'with no GPU, a software adapter: Chromium’s SwiftShader (apt-get install chromium; VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json and XDG_RUNTIME_DIR set)',
    )
  return parts.join('; ')
}

/** This machine's facts for `noAdapterFix`. */
export function noAdapterFacts(env: NodeJS.ProcessEnv = process.env): NoAdapterFacts {
  return {
    platform: process.platform,
    ...(process.platform === 'linux'
      ? { vulkanLoader: findSharedLibrary('libvulkan.so.1', env).found.length > 0 }
      : {}),
    ...(env.NVIDIA_DRIVER_CAPABILITIES !== undefined
      ? { nvidiaCapabilities: env.NVIDIA_DRIVER_CAPABILITIES }
      : {}),
  }
}

/** One line: no adapter, what is missing here, and the fix. */
export function noAdapterReason(facts: NoAdapterFacts = noAdapterFacts()): string {
  const missing =
    facts.vulkanLoader === false
      ? 'no WebGPU adapter: the Vulkan loader libvulkan.so.1 is not installed'
      : 'no WebGPU adapter: Dawn found no GPU driver it can use'
  return `${missing}; fix: ${noAdapterFix(facts)}`
}
