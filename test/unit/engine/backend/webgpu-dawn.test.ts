/**
 * The WebGPU pieces that need no adapter: reading Dawn's adapter listing, telling software
 * adapters apart, the device the backend asks for, and the one-line reason where none exists.
 */
import { describe, expect, it } from 'vitest'
import {
  describeAdapter,
  isSoftwareAdapter,
  noAdapterReason,
  parseAdapterListing,
  summariseAdapter,
  type GpuAdapterLike,
} from '../../../../src-main/engine/backend/webgpu-dawn'
import { deviceDescriptorFor } from '../../../../src-main/engine/backend/webgpu-node'

/** An adapter as Dawn 0.6 presents it (info, features, limits), as plain data. */
function adapter(
  info: Partial<GpuAdapterLike['info']>,
  features: string[] = [],
  limits: Record<string, number> = { maxBufferSize: 2 ** 30 },
): GpuAdapterLike {
  return {
    info: { vendor: '', architecture: '', device: '', description: '', ...info },
    features: new Set(features),
    limits,
    requestDevice: async () => ({}),
  }
}

describe('WebGPU adapters without a GPU', () => {
  it('reads every adapter from Dawn’s "no suitable backends" listing', () => {
    const message =
      'no suitable backends found\nAvailable adapters:\n' +
      " * backend: 'vulkan', name: 'SwiftShader Device (Subzero)'\n" +
      " * backend: 'vulkan', name: 'NVIDIA H200'\n"
    expect(parseAdapterListing(message)).toEqual([
      { backend: 'vulkan', name: 'SwiftShader Device (Subzero)' },
      { backend: 'vulkan', name: 'NVIDIA H200' },
    ])
    expect(parseAdapterListing('no suitable backends found\nAvailable adapters:\n')).toEqual([])
  })

  it('tells software adapters from hardware ones', () => {
    expect(isSoftwareAdapter(adapter({ vendor: 'google', isFallbackAdapter: true }))).toBe(true)
    expect(isSoftwareAdapter(adapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }))).toBe(
      true,
    )
    expect(isSoftwareAdapter(adapter({ description: 'Microsoft Basic Render Driver' }))).toBe(true)
    const h200 = adapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA' })
    expect(isSoftwareAdapter(h200)).toBe(false)
  })

  it('names an adapter in one line', () => {
    const s = summariseAdapter(
      adapter({
        vendor: 'google',
        architecture: 'swiftshader',
        description: 'SwiftShader driver 5.0.0',
        isFallbackAdapter: true,
      }),
      'vulkan',
    )
    expect(s.maxBufferSize).toBe(2 ** 30)
    expect(describeAdapter(s)).toBe('google swiftshader (SwiftShader driver 5.0.0, vulkan, software)')
  })

  it('asks for the features the adapter has, as strings, and its limits', () => {
    const d = deviceDescriptorFor(
      adapter({}, ['bgra8unorm-storage', 'subgroups'], {
        maxBufferSize: 2 ** 30,
        maxComputeWorkgroupStorageSize: 32768,
      }),
    )
    expect(d.requiredFeatures).toEqual(['bgra8unorm-storage'])
    expect(d.requiredLimits).toEqual({
      maxBufferSize: 2 ** 30,
      maxComputeWorkgroupStorageSize: 32768,
    })
  })

  it('says in one line what is missing and the fix', () => {
    const linux = noAdapterReason({ platform: 'linux', vulkanLoader: false })
    expect(linux).toMatch(/^no WebGPU adapter: the Vulkan loader libvulkan\.so\.1 is not installed; fix: /)
    expect(linux).toContain('apt-get install libvulkan1')
    expect(linux).not.toContain('\n')
    expect(noAdapterReason({ platform: 'darwin' })).toContain('Metal')
  })
})
