/**
 * Replacing a backend's registered kernel by a wrapper that can fall back to the original (for the
 * wasm kernels that exist but run as naive loops). Idempotent: a kernel is wrapped once.
 */
import * as tf from '@tensorflow/tfjs'
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs'

/** Each wrapper and the kernel function it replaced. */
const wrappers = new WeakMap<KernelFunc, KernelFunc>()

/** The backend's own function for kernel `name` (under any wrapper of ours), or null if absent. */
export function originalKernel(name: string, backendName: string): KernelFunc | null {
  let f: KernelFunc | undefined = tf.getKernel(name, backendName)?.kernelFunc
  while (f && wrappers.has(f)) f = wrappers.get(f)
  return f ?? null
}

/** Wraps kernel `name` of `backendName`; returns false when absent or already wrapped. */
export function overrideKernel(
  name: string,
  backendName: string,
  wrap: (original: KernelFunc) => KernelFunc,
): boolean {
  const current = tf.getKernel(name, backendName)
  if (!current || wrappers.has(current.kernelFunc)) return false
  const kernelFunc = wrap(current.kernelFunc)
  wrappers.set(kernelFunc, current.kernelFunc)
  const config: KernelConfig = {
    kernelName: name,
    backendName,
    kernelFunc,
    ...(current.setupFunc ? { setupFunc: current.setupFunc } : {}),
    ...(current.disposeFunc ? { disposeFunc: current.disposeFunc } : {}),
  }
  tf.unregisterKernel(name, backendName)
  tf.registerKernel(config)
  return true
}
