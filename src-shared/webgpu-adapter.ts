/** A WebGPU adapter in words, the same in the CLI, the doctor, the run page and the System page. */
import type { WebGpuAdapter } from './types'

/** One line naming an adapter, e.g. `google swiftshader (SwiftShader driver 5.0.0, vulkan, software)`. */
export function describeAdapter(a: WebGpuAdapter): string {
  const name = [a.vendor, a.architecture].filter(Boolean).join(' ') || a.device || 'unnamed adapter'
  const extra = [a.description || a.device, a.backend, a.software ? 'software' : 'hardware']
  return `${name} (${extra.filter(Boolean).join(', ')})`
}

/** A buffer size as the doctor prints it: `4.0 GiB`, `256 MiB`. */
export function bufferSize(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`
  return `${(n / 2 ** 20).toFixed(0)} MiB`
}

/** The adapter and its largest buffer, e.g. `google swiftshader (…, software), max buffer 2.0 GiB`. */
export function adapterLine(a: WebGpuAdapter): string {
  return `${describeAdapter(a)}, max buffer ${bufferSize(a.maxBufferSize)}`
}
