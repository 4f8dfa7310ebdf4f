/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d) for the wasm backend, which lacks it.
 *
 * The filter gradient is itself a convolution: dW[kh,kw,ci,co] = Σ_{b,i,j} x[b, i·s+kh, j·s+kw, ci]
 * · dy[b,i,j,co]. Swapping the roles of batch and channels turns it into one forward conv that the
 * wasm backend runs with XNNPACK: input x transposed to [ci, H, W, b], "filter" dy transposed to
 * [OH, OW, b, co], dilation = the forward stride, stride 1, and the forward padding given to the
 * conv itself (explicit padding: XNNPACK pads as it goes, where a separate PadV2 kernel cost more
 * than the conv on LeNet-5's first layer); the output [ci, ≥KH, ≥KW, co] is cropped to the
 * kernel size and transposed to [KH, KW, ci, co].
 * (The wasm `Conv3DBackpropFilterV2` is not used: it is a naive loop, 2–30× slower, and gives
 * wrong results for strides > 1 with 'same' padding.)
 */
import * as tf from '@tensorflow/tfjs'
import type {
  Conv2DBackpropFilterAttrs,
  KernelBackend,
  KernelConfig,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { input, kernelCalls } from './kernel-call'
import { simdKernels } from './simd/simd-instance'

type WasmCall = (...args: number[]) => void

/**
 * Whether the lab's direct SIMD filter gradient is used: stride 1 and no dilation (each (c, f, ky,
 * kx) is then one dot product of a shifted input plane with a dy plane), at most 16 input channels
 * (beyond that XNNPACK's GEMM wins), and either at most 4 input channels or rows whose padding
 * wastes little (outW ≥ 0.8 of the padded width: the kernel also multiplies the zero columns).
 * Measured in test/bench/conv-forward.ts: LeNet-5's first layer 5.1 → 1.8 ms, 3×3 'same' convs of
 * 3–16 input channels on 32×32 0.36–0.79×; its second layer (6 channels, 10 of 14 columns) and
 * 3×3 convs of 32–64 channels stay on XNNPACK.
 */
export function prefersDirectFilterGrad(info: tf.backend_util.Conv2DInfo): boolean {
  const wp = info.inWidth + info.padInfo.left + info.padInfo.right
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.outHeight > 0 &&
    info.outWidth > 0 &&
    info.inChannels <= 16 &&
    (info.inChannels <= 4 || info.outWidth >= 0.8 * wp)
  )
}

/**
 * dW on the lab's SIMD kernel (simd/conv-forward.wat, `filterGrad`): x padded into channel planes
 * of width wp = W + padLeft + padRight, dy laid out as planes of the same row width (zeros after
 * its outW real columns), so that dW[ky, kx, c, f] = Σ_b Σ_q xp[b, c][q + ky·wp + kx] · dy[b, f][q]
 * runs over whole planes four positions at a time. Extra zero rows after each plane keep the reads
 * of the last vectors inside it.
 */
export function directFilterGrad(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo | null {
  const k = simdKernels(backend, 'convForward')
  if (!k || typeof k.padPlanar !== 'function' || typeof k.filterGrad !== 'function') return null
  const padPlanar = k.padPlanar as WasmCall
  const filterGrad = k.filterGrad as WasmCall
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const [kh, kw] = [info.filterHeight, info.filterWidth]
  const { top, bottom, left, right } = info.padInfo
  const wp = inWidth + left + right
  const vectors = Math.ceil((outHeight * wp) / 4)
  // dy planes: 4·vectors ≤ outH·wp + 3 values read, so 3 extra rows (wp ≥ 1) are enough;
  // x planes: up to (kh − 1)·wp + kw − 1 further on, i.e. ⌈(kw + 3) / wp⌉ rows past the padding.
  const hpd = outHeight + 3
  const hpx = inHeight + top + bottom + Math.ceil((kw + 3) / wp)
  const xp = backend.makeOutput([batchSize * inChannels * hpx * wp + 4], 'float32')
  const dyw = backend.makeOutput([batchSize * outChannels * hpd * wp + 4], 'float32')
  const dw = backend.makeOutput([kh, kw, inChannels, outChannels], 'float32')
  const at = (t: TensorInfo): number => backend.getMemoryOffset(t.dataId)
  padPlanar(at(x), at(xp), batchSize, inHeight, inWidth, inChannels, hpx, wp, top, left)
  padPlanar(at(dy), at(dyw), batchSize, outHeight, outWidth, outChannels, hpd, wp, 0, 0)
  filterGrad(
    at(xp),
    at(dyw),
    at(dw),
    batchSize,
    inChannels,
    hpx,
    outChannels,
    hpd,
    wp,
    kh,
    kw,
    vectors * 16,
  )
  backend.disposeData(xp.dataId)
  backend.disposeData(dyw.dataId)
  return dw
}

/** The forward conv's geometry, from the filter gradient's input and attributes. */
function filterGradInfo(x: TensorInfo, attrs: Conv2DBackpropFilterAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
}

/** The filter gradient as a composite of the backend's Pad, Transpose, Conv2D and Slice kernels. */
export function conv2dBackpropFilterComposite(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  if (attrs.dataFormat === 'NCHW')
    throw new Error('Conv2DBackpropFilter: only NHWC (channels last) is supported')
  const k = kernelCalls(backend, backendName)
  const [kh, kw, ci, co] = attrs.filterShape
  const info = filterGradInfo(x, attrs)
  const { top, bottom, left, right } = info.padInfo
  const temps: TensorInfo[] = []
  const xt = k.run('Transpose', { x }, { perm: [3, 1, 2, 0] })
  const ft = k.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] })
  temps.push(xt, ft)
  let conv = k.run(
    'Conv2D',
    { x: xt, filter: ft },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
    },
  )
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    // Rows/columns past the last window (floor rounding) give a larger output: keep the kernel part.
    temps.push(conv)
    conv = k.run('Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] })
  }
  const dw = k.run('Transpose', { x: conv }, { perm: [1, 2, 0, 3] })
  k.dispose(conv, ...temps)
  return dw
}

export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const named = inputs as NamedTensorInfoMap
    const x = input(named, 'x', 'Conv2DBackpropFilter')
    const dy = input(named, 'dy', 'Conv2DBackpropFilter')
    const a = attrs as unknown as Conv2DBackpropFilterAttrs
    if (a.dataFormat !== 'NCHW' && x.dtype === 'float32' && dy.dtype === 'float32') {
      const info = filterGradInfo(x, a)
      if (prefersDirectFilterGrad(info)) {
        const dw = directFilterGrad(backend as unknown as BackendWasm, x, dy, info)
        if (dw) return dw
      }
    }
    return conv2dBackpropFilterComposite(
      backend as KernelBackend,
      'wasm',
      x,
      dy,
      attrs as unknown as Conv2DBackpropFilterAttrs,
    )
  },
}
