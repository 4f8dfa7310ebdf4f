/**
 * The two depthwise-conv gradients for the wasm backend, which lacks both
 * (`DepthwiseConv2dNativeBackpropFilter`, `DepthwiseConv2dNativeBackpropInput`).
 *
 * A depthwise conv with C channels and multiplier M equals a regular conv whose [KH, KW, C, C·M]
 * filter is block-diagonal: F[kh,kw,c,c'·M+m] = W[kh,kw,c,m] if c = c', else 0. So the input
 * gradient is the regular `Conv2DBackpropInput` with that filter, and the filter gradient is the
 * diagonal of the regular filter gradient. Both cost C× the minimal work, but run on XNNPACK; the
 * lab's layer set has no depthwise layers, so these serve imported models only.
 */
import * as tf from '@tensorflow/tfjs'
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelBackend,
  KernelConfig,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs'
import { conv2dBackpropFilterComposite } from './conv2d-backprop-filter'
import { input, kernelCalls } from './kernel-call'

function assertNoDilation(dilations: [number, number] | number, kernel: string): void {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations
  if (dh !== 1 || dw !== 1) throw new Error(`${kernel}: dilations > 1 are not supported`)
}

function eyeValues(c: number): Float32Array {
  const eye = new Float32Array(c * c)
  for (let i = 0; i < c; i++) eye[i * c + i] = 1
  return eye
}

/** dW of a depthwise conv: the diagonal blocks of the regular conv's filter gradient. */
export function depthwiseBackpropFilter(
  backend: KernelBackend,
  backendName: string,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs,
): TensorInfo {
  assertNoDilation(attrs.dilations ?? 1, 'DepthwiseConv2dNativeBackpropFilter')
  const k = kernelCalls(backend, backendName)
  const [kh, kw, c, m] = attrs.filterShape
  const full = conv2dBackpropFilterComposite(backend, backendName, x, dy, {
    strides: attrs.strides,
    pad: attrs.pad,
    dimRoundingMode: attrs.dimRoundingMode,
    dataFormat: 'NHWC',
    filterShape: [kh, kw, c, c * m],
  })
  const flat = k.run('Reshape', { x: full }, { shape: [kh * kw, c * c, m] })
  const diagonal = k.constant(
    Int32Array.from({ length: c }, (_, i) => i * c + i),
    [c],
    'int32',
  )
  const picked = k.run('GatherV2', { x: flat, indices: diagonal }, { axis: 1, batchDims: 0 })
  const dw = k.run('Reshape', { x: picked }, { shape: [kh, kw, c, m] })
  k.dispose(full, flat, diagonal, picked)
  return dw
}

/** dx of a depthwise conv: the regular conv's input gradient with the block-diagonal filter. */
export function depthwiseBackpropInput(
  backend: KernelBackend,
  backendName: string,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: DepthwiseConv2dNativeBackpropInputAttrs,
): TensorInfo {
  assertNoDilation(attrs.dilations ?? 1, 'DepthwiseConv2dNativeBackpropInput')
  const k = kernelCalls(backend, backendName)
  const [kh, kw, c, m] = filter.shape
  const w = k.run('Reshape', { x: filter }, { shape: [kh * kw, c, 1, m] })
  const eye = k.constant(eyeValues(c), [1, c, c, 1], 'float32')
  const blocks = k.run('Multiply', { a: w, b: eye })
  const full = k.run('Reshape', { x: blocks }, { shape: [kh, kw, c, c * m] })
  const dx = k.run(
    'Conv2DBackpropInput',
    { dy, filter: full },
    {
      strides: attrs.strides,
      pad: attrs.pad,
      dataFormat: 'NHWC',
      inputShape: attrs.inputShape,
      ...(attrs.dimRoundingMode ? { dimRoundingMode: attrs.dimRoundingMode } : {}),
    },
  )
  k.dispose(w, eye, blocks, full)
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
    return depthwiseBackpropFilter(backend as KernelBackend, 'wasm', x, dy, a)
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
    return depthwiseBackpropInput(backend as KernelBackend, 'wasm', dy, filter, a)
  },
}
