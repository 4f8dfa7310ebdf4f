/** doctor(): never throws; the report says what is present and, for the GPU path, what to fix. */
import { describe, expect, it } from 'vitest'
import {
  doctor,
  doctorReportFrom,
  type DoctorFacts,
} from '../../../../src-main/engine/backend/doctor'
import { findSharedLibrary } from '../../../../src-main/engine/backend/cuda-probe'
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
  ...over,
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
    expect(['tensorflow', 'wasm', 'cpu']).toContain(report.backend)
    const names = report.checks.map((c) => c.name)
    for (const n of [
      'tfjs-node-gpu',
      'CUDA 11.2 runtime',
      'cuDNN 8.1',
      'NVIDIA driver',
      'tfjs-node',
      'wasm',
      'cpu',
    ])
      expect(names).toContain(n)
    expect(check(report, 'wasm').ok).toBe(true)
    expect(check(report, 'cpu').ok).toBe(true)
    for (const c of report.checks) if (!c.ok) expect(c.fix ?? '').not.toBe('')
  })

  it('on a plain machine: wasm, with the install command and CUDA/cuDNN fixes', () => {
    const r = doctorReportFrom(facts())
    expect(r.backend).toBe('wasm')
    expect(check(r, 'tfjs-node-gpu').fix).toBe(
      'npm install @tensorflow/tfjs-node-gpu@4.22.0 (needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1)',
    )
    expect(check(r, 'CUDA 11.2 runtime').fix).toContain('LD_LIBRARY_PATH')
    expect(check(r, 'cuDNN 8.1').detail).toBe(
      'libcudnn.so.8 not found in ldconfig -p or LD_LIBRARY_PATH',
    )
  })

  it('names the wrong CUDA version it found', () => {
    const r = doctorReportFrom(
      facts({
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
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['tfjs-node'])
  })

  it('says the GPU build is Linux-x64 only elsewhere, and checks COMPLAB_BACKEND', () => {
    const mac = doctorReportFrom(
      facts({ platform: 'darwin', arch: 'arm64', envBackend: 'tensorflow' }),
    )
    expect(check(mac, 'tfjs-node-gpu').fix).toBe(
      'the GPU build exists for Linux x64 only (this is darwin arm64); use wasm or cpu',
    )
    expect(check(mac, 'COMPLAB_BACKEND')).toMatchObject({
      ok: false,
      detail: 'COMPLAB_BACKEND=tensorflow is not available here',
    })
    expect(doctorReportFrom(facts({ envBackend: 'cpu' })).backend).toBe('cpu')
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
