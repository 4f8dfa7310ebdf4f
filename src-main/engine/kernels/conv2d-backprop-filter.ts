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
import { input, kernelCalls } from './kernel-call'

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
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  )
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
    return conv2dBackpropFilterComposite(
      backend as KernelBackend,
      'wasm',
      x,
      dy,
      attrs as unknown as Conv2DBackpropFilterAttrs,
    )
  },
}
