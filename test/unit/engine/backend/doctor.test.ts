/** doctor(): never throws; the report says what is present and, for the GPU path, what to fix. */
import { describe, expect, it } from 'vitest'
import {
  doctor,
  doctorReportFrom,
  type DoctorFacts,
} from '../../../../src-main/engine/backend/doctor'
import { findSharedLibrary } from '../../../../src-main/engine/backend/cuda-probe'
import { loadDawn } from '../../../../src-main/engine/backend/webgpu-dawn'
import type { WebGpuAdapter } from '../../../../src-shared/types'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const noLib = (soname: string): DoctorFacts['cudart'] => ({ soname, found: [], otherVersions: [] })

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  platform: 'linux',
  arch: 'x64',
  gpuPackage: { installed: false, load: null },
  cpuPackage: { installed: false, load: null },
  cudart: noLib('libcudart.so.11.0'),
  cudnn: noLib('libcudnn.so.8'),
  gpu: { smi: false, detail: 'nvidia-smi not found or failed (no NVIDIA driver or GPU)' },
  wasm: { ok: true, detail: '@tensorflow/tfjs-backend-wasm 4.22.0', simd: true },
  webgpu: {
    dawn: { ok: true, detail: 'loaded' },
    backendPackage: true,
    adapters: [],
    noAdapter: { platform: 'linux', vulkanLoader: false },
  },
  ...over,
})

const swiftshader: WebGpuAdapter = {
  backend: 'vulkan',
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero-',
  description: 'SwiftShader driver 5.0.0',
  software: true,
  maxBufferSize: 2 ** 30,
}
const h200: WebGpuAdapter = {
  backend: 'vulkan',
  vendor: 'nvidia',
  architecture: 'hopper',
  device: '',
  description: 'NVIDIA: 570.124.06 570.124.6.0',
  software: false,
  maxBufferSize: 2 ** 33,
}
const withAdapters = (adapters: WebGpuAdapter[]): DoctorFacts['webgpu'] => ({
  ...facts().webgpu,
  adapters,
  noAdapter: { platform: 'linux', vulkanLoader: true },
})

const check = (
  r: ReturnType<typeof doctorReportFrom>,
  name: string,
): ReturnType<typeof doctorReportFrom>['checks'][number] => {
  const c = r.checks.find((x) => x.name === name)
  if (!c) throw new Error(`no check ${name}`)
  return c
}

describe('doctor', () => {
  it('runs here without throwing and reports every backend', async () => {
    const report = await doctor()
    expect(['webgpu', 'tensorflow', 'wasm', 'cpu']).toContain(report.backend)
    const names = report.checks.map((c) => c.name)
    const always = ['webgpu', 'tfjs-node-gpu', 'NVIDIA driver', 'tfjs-node', 'wasm', 'cpu']
    for (const n of always) expect(names).toContain(n)
    // Where Dawn loads (an optional package), the doctor says whether there is a GPU adapter.
    if ((await loadDawn()).ok) expect(names).toContain('WebGPU GPU')
    // Every adapter Dawn sees is listed (SwiftShader here where Chromium is installed).
    const adapters = report.webgpuAdapters ?? []
    expect(names.filter((n) => n.startsWith('WebGPU adapter '))).toHaveLength(adapters.length)
    expect(new Set(names).size).toBe(names.length)
    expect(check(report, 'wasm').ok).toBe(true)
    expect(check(report, 'cpu').ok).toBe(true)
    for (const c of report.checks) if (!c.ok) expect(c.fix ?? '').not.toBe('')
  })

  it('on a plain Linux machine: wasm, the Vulkan fixes, and why tfjs-node-gpu is gone', () => {
    const r = doctorReportFrom(facts())
    expect(r.backend).toBe('wasm')
    expect(check(r, 'tfjs-node-gpu').detail).toContain('answers 403 (tensorflow/tfjs#8742)')
    expect(check(r, 'tfjs-node-gpu').detail).toContain('CUDA 11.2 + cuDNN 8.1')
    expect(check(r, 'tfjs-node-gpu').fix).toContain('webgpu')
    // CUDA and cuDNN matter only where tfjs-node-gpu is installed.
    expect(r.checks.map((c) => c.name)).not.toContain('CUDA 11.2 runtime')
    expect(check(r, 'Vulkan loader').fix).toBe(
      'install the Vulkan loader: apt-get install libvulkan1 (Debian/Ubuntu)',
    )
    const gpu = check(r, 'WebGPU GPU')
    expect(gpu).toMatchObject({ ok: false, detail: 'no WebGPU adapter' })
    expect(gpu.fix).toContain('apt-get install libvulkan1')
    expect(gpu.fix).toContain('NVIDIA containers need graphics in NVIDIA_DRIVER_CAPABILITIES')
    expect(gpu.fix).toContain('VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json')
  })

  it('lists a software adapter; auto skips it, COMPLAB_BACKEND=webgpu takes it', () => {
    const r = doctorReportFrom(facts({ webgpu: withAdapters([swiftshader]) }))
    expect(r.backend).toBe('wasm')
    expect(check(r, 'WebGPU adapter 1').detail).toBe(
      'google swiftshader (SwiftShader driver 5.0.0, vulkan, software), max buffer 1.0 GiB',
    )
    expect(check(r, 'Vulkan loader').ok).toBe(true)
    expect(check(r, 'WebGPU GPU').detail).toContain('only a software adapter')
    expect(check(r, 'WebGPU GPU').fix).toContain('Vulkan ICD')
    expect(check(r, 'WebGPU GPU').fix).not.toContain('SwiftShader')
    expect(r.webgpuAdapters).toEqual([swiftshader])
    const env = doctorReportFrom(
      facts({ webgpu: withAdapters([swiftshader]), envBackend: 'webgpu' }),
    )
    expect(env.backend).toBe('webgpu')
    expect(check(env, 'COMPLAB_BACKEND').ok).toBe(true)
  })

  it('a hardware adapter makes webgpu the automatic choice', () => {
    const r = doctorReportFrom(facts({ webgpu: withAdapters([swiftshader, h200]) }))
    expect(r.backend).toBe('webgpu')
    expect(check(r, 'WebGPU adapter 2').detail).toBe(
      'nvidia hopper (NVIDIA: 570.124.06 570.124.6.0, vulkan, hardware), max buffer 8.0 GiB',
    )
    expect(check(r, 'WebGPU GPU')).toMatchObject({ ok: true })
    expect(check(r, 'WebGPU GPU').fix).toBeUndefined()
  })

  it('gives the fix for the platform and names a container without graphics', () => {
    const on = (noAdapter: DoctorFacts['webgpu']['noAdapter']): string =>
      check(doctorReportFrom(facts({ webgpu: { ...facts().webgpu, noAdapter } })), 'WebGPU GPU')
        .fix ?? ''
    expect(on({ platform: 'darwin' })).toContain('Metal')
    expect(on({ platform: 'win32' })).toContain('Direct3D 12')
    const container = on({
      platform: 'linux',
      vulkanLoader: true,
      nvidiaCapabilities: 'compute,utility',
    })
    expect(container).toContain('add graphics to NVIDIA_DRIVER_CAPABILITIES (now "compute,utility")')
    expect(container).not.toContain('libvulkan1')
    expect(on({ platform: 'linux', vulkanLoader: true, nvidiaCapabilities: 'all' })).not.toContain(
      'NVIDIA_DRIVER_CAPABILITIES',
    )
  })

  it('says how to install webgpu where it is missing', () => {
    const r = doctorReportFrom(
      facts({
        webgpu: {
          ...facts().webgpu,
          dawn: {
            ok: false,
            detail: 'the optional package webgpu (Dawn) is not installed: npm install webgpu@0.6.2',
          },
        },
      }),
    )
    expect(check(r, 'webgpu').fix).toContain(
      'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0',
    )
    expect(r.checks.map((c) => c.name)).not.toContain('WebGPU GPU')
  })

  it('names the wrong CUDA version it found (where tfjs-node-gpu is installed)', () => {
    const r = doctorReportFrom(
      facts({
        gpuPackage: {
          installed: true,
          load: { ok: false, detail: 'libcudart.so.11.0: no such file' },
        },
        cudart: { soname: 'libcudart.so.11.0', found: [], otherVersions: ['libcudart.so.12'] },
      }),
    )
    expect(check(r, 'CUDA 11.2 runtime').detail).toBe(
      'libcudart.so.11.0 not found in ldconfig -p or LD_LIBRARY_PATH (found other versions: libcudart.so.12)',
    )
  })

  it('a working GPU setup selects tensorflow', () => {
    const r = doctorReportFrom(
      facts({
        gpuPackage: {
          installed: true,
          load: { ok: true, detail: '@tensorflow/tfjs-node-gpu loaded' },
        },
        cudart: {
          soname: 'libcudart.so.11.0',
          found: ['/usr/local/cuda/lib64/libcudart.so.11.0'],
          otherVersions: [],
        },
        cudnn: { soname: 'libcudnn.so.8', found: ['/usr/lib/libcudnn.so.8'], otherVersions: [] },
        gpu: { smi: true, detail: 'NVIDIA A100, 535.54' },
      }),
    )
    expect(r.backend).toBe('tensorflow')
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([
      'Vulkan loader',
      'WebGPU GPU',
      'tfjs-node',
    ])
  })

  it('says the GPU build is Linux-x64 only elsewhere, and checks COMPLAB_BACKEND', () => {
    const mac = doctorReportFrom(
      facts({ platform: 'darwin', arch: 'arm64', envBackend: 'tensorflow' }),
    )
    expect(check(mac, 'tfjs-node-gpu').fix).toBe(
      'the GPU build existed for Linux x64 only (this is darwin arm64); use webgpu',
    )
    expect(check(mac, 'COMPLAB_BACKEND')).toMatchObject({
      ok: false,
      detail: 'COMPLAB_BACKEND=tensorflow is not available here',
    })
    expect(doctorReportFrom(facts({ envBackend: 'cpu' })).backend).toBe('cpu')
  })

  it('lists the ONNX Runtime execution providers present (issue 19 item 5), from facts and from this install', async () => {
    const r = doctorReportFrom(facts({ ort: [{ name: 'cpu', bundled: true }, { name: 'cuda', bundled: false }] }))
    expect(check(r, 'onnxruntime')).toMatchObject({ ok: true, detail: expect.stringMatching(/present: cpu; not installed: cuda/) })
    expect(check(doctorReportFrom(facts({ ort: { error: 'x' } })), 'onnxruntime').ok).toBe(false)
    const { ortExecutionProviders } = await import('../../../../src-main/engine/measure/ort-session')
    expect(ortExecutionProviders()).toContainEqual({ name: 'cpu', bundled: true })
  })

  it('finds libraries on LD_LIBRARY_PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'complab-lib-'))
    writeFileSync(join(dir, 'libcudnn.so.8'), '')
    writeFileSync(join(dir, 'libcudnn.so.9'), '')
    const probe = findSharedLibrary('libcudnn.so.8', { LD_LIBRARY_PATH: `/nonexistent:${dir}` })
    expect(probe.found).toContain(join(dir, 'libcudnn.so.8'))
    expect(probe.otherVersions).toContain('libcudnn.so.9')
    rmSync(dir, { recursive: true, force: true })
  })
})
