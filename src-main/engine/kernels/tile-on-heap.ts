/**
 * `Tile` for wasm as block copies on the heap. The stock wasm Tile walks the output element by
 * element through index arithmetic; batch norm's gradient tiles its [1, 1, 1, C] scale to the whole
 * [N, H, W, C] activation for every BatchNormalization layer, which made Tile the largest cost of a
 * MobileNetV2 or ResNet training step (about a third of it). Here each axis's tile is written once
 * (recursively, the innermost axis by one `TypedArray.set`) and then repeated by doubling
 * `copyWithin` (memcpy), so tiling costs about as much as writing the output. String tensors keep
 * the original kernel.
 */
import * as tf from '@tensorflow/tfjs'
import type { NamedTensorInfoMap, TensorInfo, TileAttrs } from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { input } from './kernel-call'
import { overrideKernel } from './kernel-override'

type Numbers = Float32Array | Int32Array | Uint8Array

/** Repeats dst[at, at + chunk) until it fills `chunk · times` values, by doubling copies. */
function repeatChunk(dst: Numbers, at: number, chunk: number, times: number): void {
  const total = chunk * times
  for (let done = chunk; done < total; ) {
    const n = Math.min(done, total - done)
    dst.copyWithin(at + done, at, at + n)
    done += n
  }
}

/** x tiled by `reps` (any rank, row-major) as a new tensor on the heap. */
export function tileOnHeap(backend: BackendWasm, x: TensorInfo, reps: number[]): TensorInfo {
  const shape = x.shape
  const rank = shape.length
  const outShape = shape.map((d, a) => d * reps[a])
  const out = backend.makeOutput(outShape, x.dtype)
  if (tf.util.sizeFromShape(outShape) === 0) return out
  if (rank === 0) {
    ;(backend.typedArrayFromHeap(out) as Numbers).set(backend.typedArrayFromHeap(x) as Numbers)
    return out
  }
  // Views after the allocation: a heap growth detaches views made before it.
  const src = backend.typedArrayFromHeap(x) as Numbers
  const dst = backend.typedArrayFromHeap(out) as Numbers
  const srcStride = new Array<number>(rank).fill(1)
  const outStride = new Array<number>(rank).fill(1)
  for (let a = rank - 2; a >= 0; a--) {
    srcStride[a] = srcStride[a + 1] * shape[a + 1]
    outStride[a] = outStride[a + 1] * outShape[a + 1]
  }
  const fill = (axis: number, srcAt: number, dstAt: number): void => {
    if (axis === rank - 1) dst.set(src.subarray(srcAt, srcAt + shape[axis]), dstAt)
    else for (let i = 0; i < shape[axis]; i++) fill(axis + 1, srcAt + i * srcStride[axis], dstAt + i * outStride[axis])
    repeatChunk(dst, dstAt, shape[axis] * outStride[axis], reps[axis])
  }
  fill(0, 0, 0)
  return out
}

/** Replaces the wasm Tile by the block-copy version (numeric and bool tensors). */
export function registerWasmTileOnHeap(): boolean {
  return overrideKernel('Tile', 'wasm', (original) => ({ inputs, backend, attrs }) => {
    const x = input(inputs as NamedTensorInfoMap, 'x', 'Tile')
    if (x.dtype === 'string' || x.dtype === 'complex64') return original({ inputs, backend, attrs })
    return tileOnHeap(backend as unknown as BackendWasm, x, (attrs as unknown as TileAttrs).reps)
  })
}
