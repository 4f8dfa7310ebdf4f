/**
 * `Conv2DBackpropInput` (the input gradient of conv2d) for wasm as a forward convolution on XNNPACK;
 * the wasm backend's own kernel is a naive loop (3–4× slower on LeNet-5's second conv).
 *
 * dx[b,y,x,ci] = Σ dy[b,i,j,co] · W[kh,kw,ci,co] over y = i·s + kh − padTop (same for x): spread dy
 * onto the stride grid (s − 1 zeros between rows and columns), pad it by (KH − 1 − padTop) before and
 * whatever makes the output H rows after, and correlate with the filter rotated by 180° with its
 * channel axes swapped ([KH, KW, co, ci]). The padding is the conv's own (explicit padding, which
 * XNNPACK applies as it goes; a separate PadV2 kernel is slow on wasm); only a negative amount
 * (a crop) needs a Slice first.
 */
import * as tf from '@tensorflow/tfjs'
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs'
import { input, kernelCalls } from './kernel-call'
import { overrideKernel } from './kernel-override'
import { padOrCrop } from './pad-or-crop'

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
    const p6 = k.run('PadV2', { x: r6 }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
      constantValue: 0,
    })
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
  const dx = k.run('Conv2D', { x: cropped, filter: swapped }, {
    strides: [1, 1],
    pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  })
  k.dispose(...temps)
  if (dx.shape[3] !== inC) throw new Error('Conv2DBackpropInput: internal shape mismatch')
  return dx
}

/** Replaces the wasm Conv2DBackpropInput by the composite (NCHW still goes to the original). */
export function registerWasmConv2dBackpropInput(): boolean {
  return overrideKernel('Conv2DBackpropInput', 'wasm', (original): KernelFunc => ({ inputs, backend, attrs }) => {
    const a = attrs as unknown as Conv2DBackpropInputAttrs
    if (a.dataFormat === 'NCHW') return original({ inputs, backend, attrs })
    const named = inputs as NamedTensorInfoMap
    const dy = input(named, 'dy', 'Conv2DBackpropInput')
    const filter = input(named, 'filter', 'Conv2DBackpropInput')
    return conv2dBackpropInputComposite(backend as KernelBackend, 'wasm', dy, filter, a)
  })
}
