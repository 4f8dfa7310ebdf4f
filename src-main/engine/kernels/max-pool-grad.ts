/**
 * `MaxPoolGrad` for wasm: a WebAssembly SIMD kernel of the lab's (simd/max-pool-grad.wat) where
 * windows do not overlap (stride = window: every pooling layer of the lab's models), a JS loop
 * over the wasm heap otherwise. The stock wasm kernel is a generic 3-D
 * pooling routine (~12 ms of a 64-image LeNet-5 step for the first pooling layer alone) and is
 * wrong where a window holds only values ≤ 0: its running maximum starts at the smallest
 * *positive* float, so such windows pass no gradient (harmless right after a ReLU, wrong after a
 * linear conv or batch norm); among tied maxima it picks the last where cpu picks the first.
 * Composites of wasm kernels (reshape/transpose to window rows, ArgMax, OneHot, multiply) were
 * correct but no faster: each of those kernels is a full pass, and the 6-D transposes and the
 * broadcasting multiply run the backend's generic slow paths.
 *
 * So the gradient is computed directly from the forward input, the way the cpu backend defines it
 * (`maxPoolPositions`: the first maximum of each window in row-major order, by strict >, from −∞,
 * out-of-bounds positions skipped), reading and writing the tensors' memory through typed-array
 * views of the wasm heap as the backend's own JS kernels (Slice, Concat) do. One pass: for each
 * window, a running maximum per channel (channels are contiguous in NHWC), then dy is added at
 * each channel's argmax. Overlapping windows and dilations work the same way (the adds accumulate).
 */
import * as tf from '@tensorflow/tfjs'
import type { MaxPoolGradAttrs, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { input } from './kernel-call'
import { overrideKernel } from './kernel-override'
import { simdKernels } from './simd/simd-instance'

type TiledKernel = (...args: number[]) => void

/** The SIMD kernel for non-overlapping windows, or null when the windows overlap or SIMD is absent. */
function tiledKernel(backend: BackendWasm, info: tf.backend_util.Conv2DInfo): TiledKernel | null {
  const tiled =
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1
  if (!tiled) return null
  const f = simdKernels(backend, 'maxPoolGrad')?.maxPoolGradTiled
  return typeof f === 'function' ? (f as TiledKernel) : null
}

/** dx of a max pool with non-overlapping windows by the SIMD kernel (same semantics as the loop). */
export function maxPoolGradTiled(
  backend: BackendWasm,
  kernel: TiledKernel,
  dy: TensorInfo,
  x: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, channels] = x.shape
  const dx = backend.makeOutput(x.shape, 'float32')
  const at = (t: TensorInfo): number => backend.getMemoryOffset(t.dataId)
  kernel(
    at(x),
    at(dy),
    at(dx),
    batch,
    height,
    width,
    channels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.padInfo.top,
    info.padInfo.left,
  )
  return dx
}

/** dx of a 2-D max pool (NHWC, float32) from dy and the forward input x, on the wasm heap. */
export function maxPoolGradOnHeap(
  backend: BackendWasm,
  dy: TensorInfo,
  x: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const [batch, height, width, channels] = x.shape
  const { outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const { effectiveFilterHeight, effectiveFilterWidth } = info
  const { top, left } = info.padInfo
  // Allocate first: a heap growth detaches views made before it.
  const dx = backend.makeOutput(x.shape, 'float32')
  const xs = backend.typedArrayFromHeap(x) as Float32Array
  const dys = backend.typedArrayFromHeap(dy) as Float32Array
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array
  dxs.fill(0)
  const best = new Float32Array(channels)
  const at = new Int32Array(channels)
  const rowStride = width * channels
  let dyOffset = 0
  for (let b = 0; b < batch; b++) {
    const batchOffset = b * height * rowStride
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left
        best.fill(-Infinity)
        at.fill(-1)
        for (let wy = 0; wy < effectiveFilterHeight; wy += dilationHeight) {
          const y = y0 + wy
          if (y < 0 || y >= height) continue
          for (let wx = 0; wx < effectiveFilterWidth; wx += dilationWidth) {
            const xc = x0 + wx
            if (xc < 0 || xc >= width) continue
            const base = batchOffset + y * rowStride + xc * channels
            for (let c = 0; c < channels; c++) {
              const v = xs[base + c]
              if (v > best[c]) {
                best[c] = v
                at[c] = base + c
              }
            }
          }
        }
        for (let c = 0; c < channels; c++) if (at[c] >= 0) dxs[at[c]] += dys[dyOffset + c]
        dyOffset += channels
      }
    }
  }
  return dx
}

/** Replaces the wasm MaxPoolGrad: SIMD kernel for non-overlapping windows, else the heap loop. */
export function registerWasmMaxPoolGrad(): boolean {
  return overrideKernel('MaxPoolGrad', 'wasm', (original) => ({ inputs, backend, attrs }) => {
    const named = inputs as NamedTensorInfoMap
    const dy = input(named, 'dy', 'MaxPoolGrad')
    const x = input(named, 'input', 'MaxPoolGrad')
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') return original({ inputs, backend, attrs })
    const a = attrs as unknown as MaxPoolGradAttrs
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    )
    const wasm = backend as unknown as BackendWasm
    const kernel = tiledKernel(wasm, info)
    return kernel
      ? maxPoolGradTiled(wasm, kernel, dy, x, info)
      : maxPoolGradOnHeap(wasm, dy, x, info)
  })
}
