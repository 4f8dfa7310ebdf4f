/**
 * The doctor's WebGPU part: whether Dawn's binding and tfjs's webgpu backend are installed, the
 * Vulkan loader on Linux, every adapter Dawn sees (vendor, architecture, description, software or
 * hardware, max buffer size) and, where no hardware adapter is usable, the fix for the platform.
 */
import type { DoctorReport, WebGpuAdapter } from '../../../src-shared/types'
import { adapterLine } from '../../../src-shared/webgpu-adapter'
import { isInstalled, type LoadOutcome } from './backend-loaders'
import {
  describeAdapter,
  listWebGpuAdapters,
  loadDawn,
  noAdapterFacts,
  noAdapterFix,
  WEBGPU_PACKAGE,
  type NoAdapterFacts,
} from './webgpu-dawn'

type Check = DoctorReport['checks'][number]

const BACKEND_PACKAGE = '@tensorflow/tfjs-backend-webgpu@4.22.0'

export interface WebGpuFacts {
  /** Loading Dawn's binding `webgpu`. */
  dawn: LoadOutcome
  /** Whether @tensorflow/tfjs-backend-webgpu is installed. */
  backendPackage: boolean
  adapters: WebGpuAdapter[]
  noAdapter: NoAdapterFacts
}

/** Whether `auto` can choose webgpu: both packages present and a hardware adapter. */
export function autoCanUseWebGpu(f: WebGpuFacts): boolean {
  return f.dawn.ok && f.backendPackage && f.adapters.some((a) => !a.software)
}

/** The WebGPU checks (pure). */
export function webgpuChecks(f: WebGpuFacts): Check[] {
  const checks: Check[] = []
  const packagesOk = f.dawn.ok && f.backendPackage
  checks.push({
    name: 'webgpu',
    ok: packagesOk,
    detail: !f.dawn.ok
      ? f.dawn.detail
      : f.backendPackage
        ? `Dawn's binding (${WEBGPU_PACKAGE}) and ${BACKEND_PACKAGE} are installed`
        : `${BACKEND_PACKAGE} is not installed (optional dependency)`,
    ...(packagesOk
      ? {}
      : {
          fix: `npm install ${WEBGPU_PACKAGE} ${BACKEND_PACKAGE} (Dawn's binary ships inside the package for Linux x64/arm64, macOS and Windows)`,
        }),
  })
  if (f.noAdapter.vulkanLoader !== undefined) {
    checks.push({
      name: 'Vulkan loader',
      ok: f.noAdapter.vulkanLoader,
      detail: f.noAdapter.vulkanLoader
        ? 'libvulkan.so.1 found (Dawn reaches Linux GPUs through Vulkan)'
        : 'libvulkan.so.1 not found in ldconfig -p or LD_LIBRARY_PATH: Dawn cannot use Vulkan',
      ...(f.noAdapter.vulkanLoader
        ? {}
        : { fix: 'install the Vulkan loader: apt-get install libvulkan1 (Debian/Ubuntu)' }),
    })
  }
  f.adapters.forEach((a, i) => {
    checks.push({
      name: `WebGPU adapter ${i + 1}`,
      ok: true,
      detail: adapterLine(a),
    })
  })
  if (!f.dawn.ok) return checks
  const hardware = f.adapters.filter((a) => !a.software)
  const software = f.adapters.filter((a) => a.software)
  checks.push({
    name: 'WebGPU GPU',
    ok: hardware.length > 0,
    detail: hardware.length
      ? `a hardware adapter: ${describeAdapter(hardware[0])}; auto trains on webgpu`
      : software.length
        ? `only a software adapter (${describeAdapter(software[0])}): --backend webgpu runs on it (correct, not fast); auto does not choose it`
        : 'no WebGPU adapter',
    ...(hardware.length
      ? {}
      : { fix: noAdapterFix({ ...f.noAdapter, softwareAdapter: software.length > 0 }) }),
  })
  return checks
}

/** Gathers the WebGPU facts of this machine. Never throws. */
export async function gatherWebGpuFacts(): Promise<WebGpuFacts> {
  const dawn = await loadDawn()
  let adapters: WebGpuAdapter[] = []
  if (dawn.ok) adapters = await listWebGpuAdapters(dawn.dawn).catch(() => [])
  return {
    dawn: dawn.ok ? { ok: true, detail: 'loaded' } : { ok: false, detail: dawn.detail },
    backendPackage: isInstalled('@tensorflow/tfjs-backend-webgpu'),
    adapters,
    noAdapter: noAdapterFacts(),
  }
}
