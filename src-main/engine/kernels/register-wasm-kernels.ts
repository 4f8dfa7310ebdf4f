/**
 * Registers the training kernels the wasm backend lacks or runs slowly (each checked against the
 * cpu backend in test/unit/engine/kernels). Idempotent: safe to call before every run.
 */
import * as tf from '@tensorflow/tfjs'
import type { KernelConfig } from '@tensorflow/tfjs'
import { wasmConv2dBackpropFilterConfig } from './conv2d-backprop-filter'
import {
  wasmDepthwiseBackpropFilterConfig,
  wasmDepthwiseBackpropInputConfig,
} from './depthwise-backprop'
import { registerWasmMatMulWrappers } from './matmul-transpose'
import { registerWasmConv2dBackpropInput } from './conv2d-backprop-input'
import { registerWasmDirectConv } from './conv-forward'
import { registerWasmMaxPoolGrad } from './max-pool-grad'
import { registerWasmIdentityAndCast } from './identity-and-cast'
import { registerWasmSliceOnHeap } from './slice-on-heap'
import { registerWasmSumLeadingAxes } from './sum-leading-axes'
import { registerWasmTileOnHeap } from './tile-on-heap'

export const WASM_EXTRA_KERNELS: readonly KernelConfig[] = [
  wasmConv2dBackpropFilterConfig,
  wasmDepthwiseBackpropFilterConfig,
  wasmDepthwiseBackpropInputConfig,
]

/**
 * Registers each extra wasm kernel unless one is already registered under that name, and wraps the
 * kernels that exist but run as naive loops (transposed matmuls, the conv input gradient) so they
 * run on XNNPACK or as fewer, vectorised passes. Returns the kernel names it changed. (The obvious
 * MaxPoolGrad composite, MaxPoolWithArgmax + ScatterNd, is not used: wasm's MaxPoolWithArgmax
 * returns a bad index for windows whose values are all ≤ 0, as after a ReLU.)
 */
export function registerWasmKernels(): string[] {
  const added: string[] = registerWasmMatMulWrappers()
  if (registerWasmConv2dBackpropInput()) added.push('Conv2DBackpropInput')
  added.push(...registerWasmDirectConv())
  if (registerWasmMaxPoolGrad()) added.push('MaxPoolGrad')
  if (registerWasmSumLeadingAxes()) added.push('Sum')
  added.push(...registerWasmSliceOnHeap())
  if (registerWasmTileOnHeap()) added.push('Tile')
  added.push(...registerWasmIdentityAndCast())
  for (const config of WASM_EXTRA_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm')) continue
    tf.registerKernel(config)
    added.push(config.kernelName)
  }
  return added
}
