/**
 * `Conv2DBackpropInput` (the input gradient of conv2d) for wasm, in one of two forms: a matrix
 * product plus the lab's SIMD col2im where the input has many more positions than the output
 * (`prefersCol2im`), else a forward convolution on XNNPACK, as follows. The wasm backend's own
 * kernel is a naive loop (3–4× slower on LeNet-5's second conv).
 *
 * dx[b,y,x,ci] = Σ dy[b,i,j,co] · W[kh,kw,ci,co] over y = i·s + kh − padTop (same for x): spread dy
 * onto the stride grid (s − 1 zeros between rows and columns), pad it by (KH − 1 − padTop) before and
 * whatever makes the output H rows after, and correlate with the filter rotated by 180° with its
 * channel axes swapped ([KH, KW, co, ci]). The padding is the conv's own (explicit padding, which
 * XNNPACK applies as it goes; a separate PadV2 kernel is slow on wasm); only a negative amount
 * (a crop) needs a Slice first.
 */
import * as tf from '@tensorflow/tfjs'
import type {
  Conv2DBackpropInputAttrs,
  KernelBackend,
  KernelFunc,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { input, kernelCalls, type KernelCalls } from './kernel-call'
import { overrideKernel } from './kernel-override'
import { padOrCrop } from './pad-or-crop'
import { simdKernels } from './simd/simd-instance'

type Col2im = (...args: number[]) => void

/**
 * Whether the col2im form is the faster: when the forward-conv form would spend much of its work
 * on padding zeros (its output is the input's size, its useful input only dy's), i.e. the input
 * has ≥ 1.5× the positions of the output — 'valid' convs with large kernels (LeNet-5: 196 vs 100)
 * and strided ones. For 3×3 'same' convs (1×) XNNPACK's conv is the faster (same-process A/B:
 * LeNet-5 step −4.4% with col2im; a 3×3-conv stack +7%).
 */
export function prefersCol2im(info: tf.backend_util.Conv2DInfo): boolean {
  return info.inHeight * info.inWidth >= 1.5 * info.outHeight * info.outWidth
}

/**
 * dx as one matrix product and a col2im: cols = dy[B·OH·OW, co] · Wᵀ[co, KH·KW·ci] on XNNPACK, then
 * the SIMD kernel adds each row of cols back where the forward conv read it (simd/col2im.wat).
 * Unlike the forward-conv form it does no multiply-adds on padding zeros (half the work of
 * LeNet-5's second layer) and needs no spreading for strides.
 */
export function conv2dBackpropInputCol2im(
  backend: BackendWasm,
  col2im: Col2im,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const k = kernelCalls(backend, 'wasm')
  const [kh, kw, ci, co] = filter.shape
  const n = info.batchSize * info.outHeight * info.outWidth
  const rows = k.run('Reshape', { x: dy }, { shape: [1, n, co] })
  const weights = k.run('Reshape', { x: filter }, { shape: [1, kh * kw * ci, co] })
  const cols = k.run(
    'BatchMatMul',
    { a: rows, b: weights },
    { transposeA: false, transposeB: true },
  )
  const dx = backend.makeOutput([info.batchSize, info.inHeight, info.inWidth, ci], 'float32')
  const at = (t: TensorInfo): number => backend.getMemoryOffset(t.dataId)
  col2im(
    at(cols),
    at(dx),
    info.batchSize,
    info.outHeight,
    info.outWidth,
    kh,
    kw,
    ci,
    info.inHeight,
    info.inWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  )
  k.dispose(rows, weights, cols)
  return dx
}

/** dx of conv2d as a composite of the backend's Reshape, PadV2, Slice, Reverse, Transpose and Conv2D. */
export function conv2dBackpropInputComposite(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
): TensorInfo {
  const k = kernelCalls(backend, backendName)
  const [batch, inH, inW, inC] = attrs.inputShape
  const [kh, kw, , outC] = filter.shape
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
  const [sh, sw] = [info.strideHeight, info.strideWidth]
  const [oh, ow] = [dy.shape[1], dy.shape[2]]
  const temps: TensorInfo[] = []
  let spread = dy
  if (sh > 1 || sw > 1) {
    // [B, OH, OW, C] → [B, OH, 1, OW, 1, C] → zeros after each row/column → [B, OH·sh, OW·sw, C].
    const r6 = k.run('Reshape', { x: dy }, { shape: [batch, oh, 1, ow, 1, outC] })
    const p6 = k.run(
      'PadV2',
      { x: r6 },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    )
    spread = k.run('Reshape', { x: p6 }, { shape: [batch, oh * sh, ow * sw, outC] })
    temps.push(r6, p6, spread)
  }
  const top = kh - 1 - info.padInfo.top
  const left = kw - 1 - info.padInfo.left
  // The output has (padded height − KH + 1) rows; choose the bottom amount so that this is inH.
  const bottom = inH + kh - 1 - spread.shape[1] - top
  const right = inW + kw - 1 - spread.shape[2] - left
  const amounts: [number, number, number, number] = [top, bottom, left, right]
  const cropped = padOrCrop(k, spread, amounts.map((a) => Math.min(a, 0)) as typeof amounts)
  if (cropped !== spread) temps.push(cropped)
  const [pt, pb, pl, pr] = amounts.map((a) => Math.max(a, 0))
  const rotated = k.run('Reverse', { x: filter }, { dims: [0, 1] })
  const swapped = k.run('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] })
  temps.push(rotated, swapped)
  const dx = k.run(
    'Conv2D',
    { x: cropped, filter: swapped },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    },
  )
  k.dispose(...temps)
  if (dx.shape[3] !== inC) throw new Error('Conv2DBackpropInput: internal shape mismatch')
  return dx
}

/**
 * dy cut to the forward conv's output [B, OH, OW, C]. `conv2dTranspose` does not check dy's
 * batch, height and width against the geometry of its output shape; the cpu kernel reads only the
 * examples, rows and columns that geometry has, so a larger dy is sliced to match it (both forms
 * here would otherwise take dy's own size: a wrong shape, or values off by orders of magnitude).
 * A smaller dy is refused (cpu reads past its end). Returns dy itself when it fits.
 */
export function dyForGeometry(
  k: KernelCalls,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const size = [info.batchSize, info.outHeight, info.outWidth, info.outChannels]
  if (dy.shape.some((d, i) => d < size[i])) {
    throw new Error(
      `Conv2DBackpropInput: dy has shape [${dy.shape.join(',')}], smaller than the ` +
        `[${size.join(',')}] of the forward conv (input [${info.inShape.join(',')}], ` +
        `filter ${info.filterHeight}×${info.filterWidth}, strides ` +
        `${info.strideHeight}×${info.strideWidth}, padding ${info.padInfo.type})`,
    )
  }
  if (dy.shape.every((d, i) => d === size[i])) return dy
  return k.run('Slice', { x: dy }, { begin: [0, 0, 0, 0], size })
}

/** Replaces the wasm Conv2DBackpropInput by the composite (NCHW still goes to the original). */
export function registerWasmConv2dBackpropInput(): boolean {
  return overrideKernel(
    'Conv2DBackpropInput',
    'wasm',
    (original): KernelFunc =>
      ({ inputs, backend, attrs }) => {
        const a = attrs as unknown as Conv2DBackpropInputAttrs
        if (a.dataFormat === 'NCHW') return original({ inputs, backend, attrs })
        const named = inputs as NamedTensorInfoMap
        const dy = input(named, 'dy', 'Conv2DBackpropInput')
        const filter = input(named, 'filter', 'Conv2DBackpropInput')
        const info = tf.backend_util.computeConv2DInfo(
          a.inputShape,
          filter.shape as [number, number, number, number],
          a.strides,
          1,
          a.pad,
          a.dimRoundingMode,
        )
        const k = kernelCalls(backend as KernelBackend, 'wasm')
        const fitted = dyForGeometry(k, dy, info)
        const col2im = simdKernels(backend as unknown as BackendWasm, 'col2im')?.col2im
        const dx =
          typeof col2im === 'function' && prefersCol2im(info)
            ? conv2dBackpropInputCol2im(
                backend as unknown as BackendWasm,
                col2im as Col2im,
                fitted,
                filter,
                info,
              )
            : conv2dBackpropInputComposite(backend as KernelBackend, 'wasm', fitted, filter, a)
        if (fitted !== dy) k.dispose(fitted)
        return dx
      },
  )
}
