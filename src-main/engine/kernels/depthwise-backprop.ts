/**
 * The two depthwise-conv gradients for the wasm backend, which lacks both
 * (`DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`), computed directly
 * on the wasm heap (issue 16 item 6).
 *
 * The earlier composite wrote the depthwise conv as a regular conv with a block-diagonal [KH, KW,
 * C, C·M] filter, which costs C times the necessary work (MobileNetV2's gradients would have cost
 * ~12× the rest of a step). Here each gradient is one pass over the output positions, with the
 * channels innermost (contiguous in NHWC and in the HWCM filter), reading and writing the tensors'
 * memory through typed-array views of the wasm heap as the backend's own JS kernels do:
 *   dW[kh, kw, c, m] = Σ_{b, oy, ox} x[b, oy·sh − top + kh·dh, ox·sw − left + kw·dw, c] · dy[b, oy, ox, c·M + m]
 *   dx[b, y, x, c]   = Σ_{kh, kw, m} W[kh, kw, c, m] · dy[b, oy, ox, c·M + m]   (scattered from each dy)
 * Out-of-bounds positions (padding) are skipped. With a channel multiplier of 1 (MobileNetV2's)
 * both run as the lab's WebAssembly SIMD kernel (simd/depthwise-grad.wat, four channels at a time,
 * float32 sums); otherwise, or where SIMD is absent, as JS loops over heap views, the filter
 * gradient accumulating in float64 as the cpu backend's loop does.
 */
import * as tf from '@tensorflow/tfjs'
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelConfig,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { input } from './kernel-call'
import { simdKernels } from './simd/simd-instance'

type Shape4 = [number, number, number, number]
type SimdGrad = (...args: number[]) => void

/** The SIMD kernel for a channel multiplier of 1, or null (another multiplier, or no SIMD here). */
function simdGrad(backend: BackendWasm, multiplier: number): SimdGrad | null {
  if (multiplier !== 1) return null
  const f = simdKernels(backend, 'depthwiseGrad')?.depthwiseGrad
  return typeof f === 'function' ? (f as SimdGrad) : null
}

/** Runs the SIMD kernel: mode 0 writes dW from x, mode 1 dx from W (see the .wat file). */
function runSimd(backend: BackendWasm, kernel: SimdGrad, mode: 0 | 1, a: TensorInfo, dy: TensorInfo, out: TensorInfo, info: tf.backend_util.Conv2DInfo): TensorInfo {
  const at = (t: TensorInfo): number => backend.getMemoryOffset(t.dataId)
  kernel(
    mode,
    at(a),
    at(dy),
    at(out),
    tf.util.sizeFromShape(out.shape),
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  )
  return out
}

/** The conv geometry of a depthwise conv of `xShape` by a `filterShape` [KH, KW, C, M] filter. */
function geometry(
  xShape: Shape4,
  filterShape: Shape4,
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs | DepthwiseConv2dNativeBackpropInputAttrs,
): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  )
}

/**
 * Visits every (output position, filter tap) pair inside the image: `visit(xBase, dyBase, tapBase)`
 * gets the offsets of x[b, y, x, 0], dy[b, oy, ox, 0] and W[kh, kw, 0, 0].
 */
function forEachTap(info: tf.backend_util.Conv2DInfo, visit: (xBase: number, dyBase: number, tapBase: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const { strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info
  const { top, left } = info.padInfo
  const m = outChannels / inChannels
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const dyBase = ((b * outHeight + oy) * outWidth + ox) * outChannels
        for (let kh = 0; kh < filterHeight; kh++) {
          const y = oy * strideHeight - top + kh * dilationHeight
          if (y < 0 || y >= inHeight) continue
          for (let kw = 0; kw < filterWidth; kw++) {
            const x = ox * strideWidth - left + kw * dilationWidth
            if (x < 0 || x >= inWidth) continue
            visit(((b * inHeight + y) * inWidth + x) * inChannels, dyBase, (kh * filterWidth + kw) * inChannels * m)
          }
        }
      }
    }
  }
}

/** dW of a depthwise conv (NHWC, float32) from its input x and the output gradient dy (`useSimd` false: the JS loops). */
export function depthwiseBackpropFilter(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs,
  useSimd = true,
): TensorInfo {
  const filterShape = attrs.filterShape as Shape4
  const info = geometry(x.shape as Shape4, filterShape, attrs)
  const c = info.inChannels
  const m = filterShape[3]
  const simd = useSimd ? simdGrad(backend, m) : null
  if (simd) return runSimd(backend, simd, 0, x, dy, backend.makeOutput(filterShape, 'float32'), info)
  const sums = new Float64Array(filterShape.reduce((a, b) => a * b, 1))
  const xs = backend.typedArrayFromHeap(x) as Float32Array
  const dys = backend.typedArrayFromHeap(dy) as Float32Array
  if (m === 1) {
    forEachTap(info, (xBase, dyBase, tapBase) => {
      for (let k = 0; k < c; k++) sums[tapBase + k] += xs[xBase + k] * dys[dyBase + k]
    })
  } else {
    forEachTap(info, (xBase, dyBase, tapBase) => {
      for (let k = 0; k < c; k++) {
        const v = xs[xBase + k]
        for (let j = 0; j < m; j++) sums[tapBase + k * m + j] += v * dys[dyBase + k * m + j]
      }
    })
  }
  // Allocated after the views are last read: a heap growth detaches views made before it.
  const dw = backend.makeOutput(filterShape, 'float32')
  ;(backend.typedArrayFromHeap(dw) as Float32Array).set(sums)
  return dw
}

/** dx of a depthwise conv (NHWC, float32) from the output gradient dy and the filter (`useSimd` false: the JS loops). */
export function depthwiseBackpropInput(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropInputAttrs,
  useSimd = true,
): TensorInfo {
  const filterShape = filter.shape as Shape4
  const info = geometry(attrs.inputShape as Shape4, filterShape, attrs)
  const c = info.inChannels
  const m = filterShape[3]
  // Allocate first: a heap growth detaches views made before it.
  const dx = backend.makeOutput(attrs.inputShape, 'float32')
  const simd = useSimd ? simdGrad(backend, m) : null
  if (simd) return runSimd(backend, simd, 1, filter, dy, dx, info)
  const dxs = backend.typedArrayFromHeap(dx) as Float32Array
  const dys = backend.typedArrayFromHeap(dy) as Float32Array
  const ws = backend.typedArrayFromHeap(filter) as Float32Array
  dxs.fill(0)
  if (m === 1) {
    forEachTap(info, (xBase, dyBase, tapBase) => {
      for (let k = 0; k < c; k++) dxs[xBase + k] += ws[tapBase + k] * dys[dyBase + k]
    })
  } else {
    forEachTap(info, (xBase, dyBase, tapBase) => {
      for (let k = 0; k < c; k++) {
        let s = 0
        for (let j = 0; j < m; j++) s += ws[tapBase + k * m + j] * dys[dyBase + k * m + j]
        dxs[xBase + k] += s
      }
    })
  }
  return dx
}

export const wasmDepthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const named = inputs as NamedTensorInfoMap
    const x = input(named, 'x', tf.DepthwiseConv2dNativeBackpropFilter)
    const dy = input(named, 'dy', tf.DepthwiseConv2dNativeBackpropFilter)
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs
    return depthwiseBackpropFilter(backend as unknown as BackendWasm, x, dy, a)
  },
}

export const wasmDepthwiseBackpropInputConfig: KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const named = inputs as NamedTensorInfoMap
    const dy = input(named, 'dy', tf.DepthwiseConv2dNativeBackpropInput)
    const filter = input(named, 'filter', tf.DepthwiseConv2dNativeBackpropInput)
    const a = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs
    return depthwiseBackpropInput(backend as unknown as BackendWasm, dy, filter, a)
  },
}
