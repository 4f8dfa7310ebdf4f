/**
 * TF.js layouts to ONNX layouts: a permutation of any typed array, and each weighted layer's
 * kernel in the shape its ONNX operator reads (MatMul B [in, out]; Conv W [out, in, kh, kw];
 * a depthwise Conv W [in · multiplier, 1, kh, kw] with group = in).
 */
import type { TensorData } from './graph-builder'

/** The elements of `data` (shape `shape`, row-major) permuted by `perm`, in a new array of its type. */
export function permute<T extends TensorData>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const n = shape.length
  const outShape = perm.map((p) => shape[p])
  const inStrides = new Array<number>(n)
  let s = 1
  for (let i = n - 1; i >= 0; i--) {
    inStrides[i] = s
    s *= shape[i]
  }
  const strideOfOut = perm.map((p) => inStrides[p])
  const out = new (data.constructor as new (length: number) => T)(data.length)
  const index = new Array<number>(n).fill(0)
  for (let o = 0; o < data.length; o++) {
    let src = 0
    for (let i = 0; i < n; i++) src += index[i] * strideOfOut[i]
    out[o] = data[src]
    for (let i = n - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break
      index[i] = 0
    }
  }
  return out
}

/** The kernel kinds a weighted layer has. */
export type KernelKind = 'dense' | 'conv' | 'depthwise'

/** A kernel in ONNX layout, with the axis that holds its output channels. */
export interface OnnxKernel<T extends TensorData> {
  data: T
  dims: number[]
  channelAxis: number
}

/** A TF.js kernel (`shape` as TF.js has it) in the layout its ONNX operator reads. */
export function onnxKernel<T extends TensorData>(kind: KernelKind, data: T, shape: readonly number[]): OnnxKernel<T> {
  if (kind === 'dense') return { data, dims: [...shape], channelAxis: shape.length - 1 }
  const [kh, kw, cin, last] = shape
  if (kind === 'conv') return { data: permute(data, shape, [3, 2, 0, 1]), dims: [last, cin, kh, kw], channelAxis: 0 }
  const c = cin * last
  return { data: permute(data, [kh, kw, c], [2, 0, 1]), dims: [c, 1, kh, kw], channelAxis: 0 }
}
