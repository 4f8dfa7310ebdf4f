/**
 * `Slice` and `SplitV` for wasm without the whole-tensor copy. The stock wasm `Slice` starts with
 * `backend.readSync(x)`, which copies all of x out of the wasm heap, for every slice: splitting a
 * 61,706-value vector into LeNet-5's 10 weight tensors (the multi-tensor Adam step) took ~3.6 ms
 * that way. Here the slice is copied from a typed-array view of the heap, in contiguous runs
 * (`TypedArray.set`, a memcpy): trailing axes taken whole are merged into the run, so a slice
 * along the first axis is one copy. String tensors keep the original kernels.
 */
import * as tf from '@tensorflow/tfjs'
import type { NamedTensorInfoMap, SliceAttrs, SplitVAttrs, TensorInfo } from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { input } from './kernel-call'
import { overrideKernel } from './kernel-override'

/** Copies the box begin…begin+size of x (any rank, row-major) into a new tensor on the heap. */
export function sliceOnHeap(
  backend: BackendWasm,
  x: TensorInfo,
  begin: number[],
  size: number[],
): TensorInfo {
  const out = backend.makeOutput(size, x.dtype)
  const n = tf.util.sizeFromShape(size)
  if (n === 0) return out
  // Views after the allocation: a heap growth detaches views made before it.
  const src = backend.typedArrayFromHeap(x)
  const dst = backend.typedArrayFromHeap(out)
  const rank = x.shape.length
  const strides = tf.util.computeStrides(x.shape)
  const stride = (axis: number): number => (axis === rank - 1 ? 1 : strides[axis])
  // Innermost axes taken whole (from `inner` on) plus the one before them form one contiguous run.
  let inner = rank
  while (inner > 0 && size[inner - 1] === x.shape[inner - 1]) inner--
  const runAxis = Math.max(inner - 1, 0)
  const run = size.slice(runAxis).reduce((a, b) => a * b, 1)
  let offset = 0
  for (let a = 0; a < rank; a++) offset += begin[a] * stride(a)
  if (runAxis === 0) {
    dst.set(src.subarray(offset, offset + run))
    return out
  }
  // An odometer over the axes before the run.
  const counter = new Array<number>(runAxis).fill(0)
  for (let written = 0; written < n; written += run) {
    let at = offset
    for (let a = 0; a < runAxis; a++) at += counter[a] * stride(a)
    dst.set(src.subarray(at, at + run), written)
    for (let a = runAxis - 1; a >= 0; a--) {
      if (++counter[a] < size[a]) break
      counter[a] = 0
    }
  }
  return out
}

/** Replaces the wasm Slice and SplitV by the heap-view versions (numeric tensors). */
export function registerWasmSliceOnHeap(): string[] {
  const changed: string[] = []
  const slice = overrideKernel('Slice', 'wasm', (original) => ({ inputs, backend, attrs }) => {
    const x = input(inputs as NamedTensorInfoMap, 'x', 'Slice')
    if (x.dtype === 'string') return original({ inputs, backend, attrs })
    const a = attrs as unknown as SliceAttrs
    const [begin, size] = tf.slice_util.parseSliceParams(x, a.begin, a.size)
    return sliceOnHeap(backend as unknown as BackendWasm, x, begin, size)
  })
  if (slice) changed.push('Slice')
  const split = overrideKernel('SplitV', 'wasm', (original) => ({ inputs, backend, attrs }) => {
    const x = input(inputs as NamedTensorInfoMap, 'x', 'SplitV')
    if (x.dtype === 'string') return original({ inputs, backend, attrs })
    const a = attrs as unknown as SplitVAttrs
    const axis = tf.util.parseAxisParam(a.axis, x.shape)[0]
    const sizes = tf.backend_util.prepareSplitSize(x, a.numOrSizeSplits, axis)
    const begin = new Array<number>(x.shape.length).fill(0)
    return sizes.map((s) => {
      const size = [...x.shape]
      size[axis] = s
      const part = sliceOnHeap(backend as unknown as BackendWasm, x, [...begin], size)
      begin[axis] += s
      return part
    })
  })
  if (split) changed.push('SplitV')
  return changed
}
