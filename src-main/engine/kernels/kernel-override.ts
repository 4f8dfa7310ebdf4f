/**
 * Replacing a backend's registered kernel by a wrapper that can fall back to the original (for the
 * wasm kernels that exist but run as naive loops). Idempotent: a kernel is wrapped once.
 */
import * as tf from '@tensorflow/tfjs'
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs'

const wrappers = new WeakSet<KernelFunc>()

/** Wraps kernel `name` of `backendName`; returns false when absent or already wrapped. */
export function overrideKernel(
  name: string,
  backendName: string,
  wrap: (original: KernelFunc) => KernelFunc,
): boolean {
  const current = tf.getKernel(name, backendName)
  if (!current || wrappers.has(current.kernelFunc)) return false
  const kernelFunc = wrap(current.kernelFunc)
  wrappers.add(kernelFunc)
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
