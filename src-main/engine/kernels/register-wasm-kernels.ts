/**
 * Registers the training kernels the wasm backend lacks (each checked against the cpu backend in
 * test/unit/engine/kernels). Idempotent: safe to call before every run.
 */
import * as tf from '@tensorflow/tfjs'
import type { KernelConfig } from '@tensorflow/tfjs'
import { wasmConv2dBackpropFilterConfig } from './conv2d-backprop-filter'
import { wasmDepthwiseBackpropFilterConfig, wasmDepthwiseBackpropInputConfig } from './depthwise-backprop'

export const WASM_EXTRA_KERNELS: readonly KernelConfig[] = [
  wasmConv2dBackpropFilterConfig,
  wasmDepthwiseBackpropFilterConfig,
  wasmDepthwiseBackpropInputConfig,
]

/** Registers each extra wasm kernel unless one is already registered under that name. */
export function registerWasmKernels(): string[] {
  const added: string[] = []
  for (const config of WASM_EXTRA_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm')) continue
    tf.registerKernel(config)
    added.push(config.kernelName)
  }
  return added
}
