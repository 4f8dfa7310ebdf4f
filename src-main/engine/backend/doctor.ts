/**
 * `doctor()`: which TF.js backends this machine can use, and for the GPU what is missing and how
 * to fix it (DESIGN §4 `backend`). The GPU route is WebGPU (doctor-webgpu.ts).
 * `@tensorflow/tfjs-node-gpu` 4.22 cannot be installed any more (see TFJS_NODE_GPU_GONE); where it
 * already is, its CUDA 11.2 and cuDNN 8.1 libraries are checked. Never throws: a failed probe is a
 * failed check.
 */
import * as tf from '@tensorflow/tfjs'
import type { DoctorReport } from '../../../src-shared/types'
import {
  isInstalled,
  loadNativePackage,
  loadWasmBackend,
  type LoadOutcome,
} from './backend-loaders'
import { BACKEND_ENV, isBackendName } from './backend-names'
import { findSharedLibrary, probeNvidiaSmi, type GpuProbe, type LibraryProbe } from './cuda-probe'
import {
  autoCanUseWebGpu,
  gatherWebGpuFacts,
  webgpuChecks,
  type WebGpuFacts,
} from './doctor-webgpu'

type Check = DoctorReport['checks'][number]

/** Everything the report is made from; gathered by `doctor()`, given directly by tests. */
export interface DoctorFacts {
  platform: string
  arch: string
  gpuPackage: { installed: boolean; load: LoadOutcome | null }
  cpuPackage: { installed: boolean; load: LoadOutcome | null }
  cudart: LibraryProbe
  cudnn: LibraryProbe
  gpu: GpuProbe
  wasm: LoadOutcome & { simd?: boolean }
  webgpu: WebGpuFacts
  envBackend?: string
  /** ONNX Runtime's execution providers (onnxruntime-node), bundled or not; an error when it does not load. */
  ort?: { name: string; bundled: boolean }[] | { error: string }
}

/** Why nobody can install `@tensorflow/tfjs-node-gpu` today (checked December 2026). */
export const TFJS_NODE_GPU_GONE =
  'it cannot be installed now: its install script downloads libtensorflow 2.9.1 from a ' +
  'storage.googleapis.com bucket that answers 403 (tensorflow/tfjs#8742), and it needs CUDA ' +
  '11.2 + cuDNN 8.1, which current GPUs and drivers left behind'

function libraryCheck(name: string, probe: LibraryProbe, fix: string): Check {
  if (probe.found.length)
    return { name, ok: true, detail: `${probe.soname} found: ${probe.found[0]}` }
  const others = probe.otherVersions.length
    ? ` (found other versions: ${probe.otherVersions.join(', ')})`
    : ''
  return {
    name,
    ok: false,
    detail: `${probe.soname} not found in ldconfig -p or LD_LIBRARY_PATH${others}`,
    fix,
  }
}

/** Which ONNX Runtime execution providers are present (the lab times and checks exports on `cpu`). */
function ortCheck(ort: NonNullable<DoctorFacts['ort']>): Check {
  if ('error' in ort) return { name: 'onnxruntime', ok: false, detail: `onnxruntime-node does not load: ${ort.error}`, fix: 'npm install (onnxruntime-node ships its CPU binaries in the package)' }
  const names = (bundled: boolean): string => ort.filter((p) => p.bundled === bundled).map((p) => p.name).join(', ') || 'none'
  return {
    name: 'onnxruntime',
    ok: ort.some((p) => p.name === 'cpu' && p.bundled),
    detail: `ONNX Runtime execution providers present: ${names(true)}; not installed: ${names(false)} (the CUDA add-on is not downloaded at install, see .npmrc)`,
  }
}

/** Builds the report from gathered facts (pure). */
export function doctorReportFrom(facts: DoctorFacts): DoctorReport {
  const checks: Check[] = []
  const linuxX64 = facts.platform === 'linux' && facts.arch === 'x64'
  const gpuLoaded = facts.gpuPackage.load?.ok === true
  const cpuLoaded = facts.cpuPackage.load?.ok === true

  checks.push(...webgpuChecks(facts.webgpu))
  if (facts.ort) checks.push(ortCheck(facts.ort))
  if (!facts.gpuPackage.installed) {
    checks.push({
      name: 'tfjs-node-gpu',
      ok: false,
      detail: `@tensorflow/tfjs-node-gpu is not installed, and ${TFJS_NODE_GPU_GONE}`,
      fix: linuxX64
        ? 'use the webgpu backend for the GPU (the WebGPU checks above say what it needs)'
        : `the GPU build existed for Linux x64 only (this is ${facts.platform} ${facts.arch}); use webgpu`,
    })
  } else {
    checks.push({
      name: 'tfjs-node-gpu',
      ok: gpuLoaded,
      detail: facts.gpuPackage.load?.detail ?? 'installed, not loaded',
      ...(gpuLoaded ? {} : { fix: 'see the CUDA/cuDNN checks below; then run the doctor again' }),
    })
    checks.push(
      libraryCheck(
        'CUDA 11.2 runtime',
        facts.cudart,
        'install the CUDA 11.2 runtime (e.g. cuda-cudart-11-2) and add its lib64 folder to ' +
          'LD_LIBRARY_PATH, e.g. export LD_LIBRARY_PATH=/usr/local/cuda-11.2/lib64:$LD_LIBRARY_PATH',
      ),
    )
    checks.push(
      libraryCheck(
        'cuDNN 8.1',
        facts.cudnn,
        'install cuDNN 8.1 for CUDA 11.2 (libcudnn8) and add the folder holding libcudnn.so.8 to ' +
          'LD_LIBRARY_PATH',
      ),
    )
  }
  checks.push({
    name: 'NVIDIA driver',
    ok: facts.gpu.smi,
    detail: facts.gpu.detail,
    ...(facts.gpu.smi
      ? {}
      : { fix: 'install the NVIDIA driver (nvidia-smi must run) on a machine with an NVIDIA GPU' }),
  })
  checks.push({
    name: 'tfjs-node',
    ok: cpuLoaded,
    detail: facts.cpuPackage.installed
      ? (facts.cpuPackage.load?.detail ?? 'installed, not loaded')
      : '@tensorflow/tfjs-node is not installed (native TensorFlow on the CPU, optional)',
    ...(cpuLoaded
      ? {}
      : { fix: 'npm install @tensorflow/tfjs-node@4.22.0 (faster than wasm on the CPU)' }),
  })
  checks.push({
    name: 'wasm',
    ok: facts.wasm.ok,
    detail: facts.wasm.ok
      ? `${facts.wasm.detail}${facts.wasm.simd === undefined ? '' : facts.wasm.simd ? ', SIMD' : ', no SIMD'}, with the lab's training kernels`
      : facts.wasm.detail,
    ...(facts.wasm.ok ? {} : { fix: 'reinstall dependencies: npm ci' }),
  })
  checks.push({ name: 'cpu', ok: true, detail: 'pure JavaScript backend, always available (slow)' })

  const webgpuUsable =
    facts.webgpu.dawn.ok && facts.webgpu.backendPackage && facts.webgpu.adapters.length > 0
  const best = autoCanUseWebGpu(facts.webgpu)
    ? 'webgpu'
    : gpuLoaded || cpuLoaded
      ? 'tensorflow'
      : facts.wasm.ok
        ? 'wasm'
        : 'cpu'
  let backend = best
  if (facts.envBackend) {
    const asked = facts.envBackend.trim().toLowerCase()
    const valid = asked === 'auto' || isBackendName(asked)
    const available =
      asked === 'auto' ||
      asked === 'cpu' ||
      (asked === 'wasm' && facts.wasm.ok) ||
      (asked === 'webgpu' && webgpuUsable) ||
      (asked === 'tensorflow' && (gpuLoaded || cpuLoaded))
    if (valid && available && asked !== 'auto') backend = asked
    checks.push({
      name: BACKEND_ENV,
      ok: valid && available,
      detail:
        `${BACKEND_ENV}=${facts.envBackend}` +
        (!valid ? ' is not a known backend' : !available ? ' is not available here' : ''),
      ...(valid && available
        ? {}
        : { fix: `unset ${BACKEND_ENV} or set it to webgpu, tensorflow, wasm, cpu or auto` }),
    })
  }
  return { backend, checks, webgpuAdapters: facts.webgpu.adapters }
}

async function safely<T>(f: () => Promise<T> | T, fallback: T): Promise<T> {
  try {
    return await f()
  } catch {
    return fallback
  }
}

/** Reports which backends are present, what is missing for the GPU and how to fix it. Never throws. */
export async function doctor(): Promise<DoctorReport> {
  try {
    const noLib = (soname: string): LibraryProbe => ({ soname, found: [], otherVersions: [] })
    const gpuInstalled = isInstalled('@tensorflow/tfjs-node-gpu')
    const cpuInstalled = isInstalled('@tensorflow/tfjs-node')
    const failed = (e: string): LoadOutcome => ({ ok: false, detail: e })
    const facts: DoctorFacts = {
      platform: process.platform,
      arch: process.arch,
      gpuPackage: {
        installed: gpuInstalled,
        load: gpuInstalled
          ? await safely(
              () => loadNativePackage('@tensorflow/tfjs-node-gpu'),
              failed('load failed'),
            )
          : null,
      },
      cpuPackage: {
        installed: cpuInstalled,
        load: cpuInstalled
          ? await safely(() => loadNativePackage('@tensorflow/tfjs-node'), failed('load failed'))
          : null,
      },
      cudart: await safely(
        () => findSharedLibrary('libcudart.so.11.0'),
        noLib('libcudart.so.11.0'),
      ),
      cudnn: await safely(() => findSharedLibrary('libcudnn.so.8'), noLib('libcudnn.so.8')),
      gpu: await safely(() => probeNvidiaSmi(), { smi: false, detail: 'nvidia-smi probe failed' }),
      wasm: await safely(
        async () => ({
          ...(await loadWasmBackend()),
          simd: await safely(
            async () => Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
            false,
          ),
        }),
        failed('wasm probe failed'),
      ),
      webgpu: await safely(() => gatherWebGpuFacts(), {
        dawn: failed('WebGPU probe failed'),
        backendPackage: false,
        adapters: [],
        noAdapter: { platform: process.platform },
      }),
      envBackend: process.env[BACKEND_ENV] || undefined,
      ort: await safely<NonNullable<DoctorFacts['ort']>>(async () => (await import('../measure/ort-session')).ortExecutionProviders(), { error: 'onnxruntime-node failed to load' }),
    }
    return doctorReportFrom(facts)
  } catch (e) {
    return {
      backend: 'cpu',
      checks: [
        { name: 'doctor', ok: false, detail: `the doctor itself failed: ${(e as Error).message}` },
      ],
    }
  }
}
