/**
 * `Sum` over the leading axes on wasm as average pooling. The wasm `Sum` reduces only innermost
 * axes, so for any other axes it first transposes the input with the backend's generic (slow)
 * transpose; that is the bias gradient of every conv layer (dy [B, H, W, C] summed over B, H, W)
 * and of every dense layer (dy [B, C] over B). XNNPACK's average pooling reduces the leading axes
 * in place instead: x viewed as [A, P, 1, C] (A = the first axis, P = the other reduced ones)
 * pooled with a [P, 1] window, those A means pooled once more, times the element count. Measured
 * on fresh inputs as in training (same run, loaded 2-core box): LeNet-5's conv-1 bias gradient
 * 4.3 → 0.34 ms, conv 2 1.7 → 0.18 ms. (A matrix product with a row of ones was slower than the
 * stock kernel: XNNPACK repacks its weight operand, here the fresh dy, on every call.) Other
 * reductions, and int32 sums, keep the original kernel.
 */
import * as tf from '@tensorflow/tfjs'
import type { KernelBackend, NamedTensorInfoMap, SumAttrs, TensorInfo } from '@tensorflow/tfjs'
import { input, kernelCalls } from './kernel-call'
import { overrideKernel } from './kernel-override'

/** Inputs with fewer values stay with the original kernel (measured: 64×120 0.017 vs 0.029 ms). */
export const SMALL_SUM = 4096

/** How many leading axes `axes` names (0, 1, …, k − 1 in any order), or 0 if it is not such a set. */
export function leadingAxesCount(axes: number[]): number {
  const sorted = [...new Set(axes)].sort((a, b) => a - b)
  return sorted.every((a, i) => a === i) ? sorted.length : 0
}

/** Σ over the first `lead` axes of x (float32) by average pooling, shaped as the Sum kernel's output. */
export function sumLeadingAxes(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  lead: number,
  keepDims: boolean,
): TensorInfo {
  const k = kernelCalls(backend, backendName)
  const a = x.shape[0]
  const n = x.shape.slice(0, lead).reduce((p, q) => p * q, 1)
  const p = n / a
  const rest = x.shape.slice(lead)
  const c = rest.reduce((u, v) => u * v, 1)
  const pool = (t: TensorInfo, window: number): TensorInfo =>
    k.run('AvgPool', { x: t }, { filterSize: [window, 1], strides: [1, 1], pad: 'valid' })
  const grouped = k.run('Reshape', { x }, { shape: [a, p, 1, c] })
  const groupMeans = pool(grouped, p)
  const column = k.run('Reshape', { x: groupMeans }, { shape: [1, a, 1, c] })
  const mean = pool(column, a)
  const count = k.constant(Float32Array.of(n), [], 'float32')
  const total = k.run('Multiply', { a: mean, b: count })
  const out = k.run(
    'Reshape',
    { x: total },
    { shape: keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...rest] : rest },
  )
  k.dispose(grouped, groupMeans, column, mean, count, total)
  return out
}

/** Replaces the wasm Sum where it reduces leading (not innermost) axes of a float32 tensor. */
export function registerWasmSumLeadingAxes(): boolean {
  return overrideKernel('Sum', 'wasm', (original) => ({ inputs, backend, attrs }) => {
    const x = input(inputs as NamedTensorInfoMap, 'x', 'Sum')
    const a = attrs as unknown as SumAttrs
    const axes = tf.util.parseAxisParam(a.axis, x.shape)
    const lead = leadingAxesCount(axes)
    // All axes (a full sum) or none: the original has no transpose to save; below ~4k values
    // (a dense layer's bias gradient) its transpose costs less than two pooling calls.
    const small = tf.util.sizeFromShape(x.shape) < SMALL_SUM
    if (x.dtype !== 'float32' || lead === 0 || lead === x.shape.length || small)
      return original({ inputs, backend, attrs })
    return sumLeadingAxes(backend as KernelBackend, 'wasm', x, lead, a.keepDims)
  })
}
