/**
 * Dense (MatMul + Add, on the last axis in TF.js order), Conv2D and DepthwiseConv2D (Conv on NCHW,
 * a depthwise one with group = input channels), each followed by its fused activation.
 */
import { configOf, padsFor, pair, valueOf, type LayerExportContext, type LayerExporter } from '../layer-export'
import { applyActivation } from './activations'
import { emitBias, emitKernel } from './kernel'
import type { KernelKind } from '../tensor-layout'

/** The layer's kernel and bias values (TF.js layout) and the kernel's shape. */
function weightsOf(c: LayerExportContext): { kernel: Float32Array; shape: number[]; bias: Float32Array | null } {
  const w = c.layer.weights
  const bias = c.node.config.use_bias === false || w.length < 2 ? null : c.values[1]
  return { kernel: c.values[0], shape: w[0].shape as number[], bias }
}

export const exportDense: LayerExporter = (c) => {
  const x = c.inputs[0]
  const { kernel, shape, bias } = weightsOf(c)
  const w = emitKernel(c, 'dense', kernel, shape)
  let y = c.g.node('MatMul', [c.tfOrder(x), w], { name: `${c.node.name}/matmul` })
  const b = emitBias(c, bias, shape[1])
  if (b) y = c.g.node('Add', [y, b], { name: `${c.node.name}/bias_add` })
  return applyActivation(c.g, valueOf(c, y, 'tf'), String(c.node.config.activation ?? 'linear'), c.node.name)
}

function exportConvolution(kind: Exclude<KernelKind, 'dense'>): LayerExporter {
  return (c) => {
    const x = c.inputs[0]
    if (x.shape.length !== 3) throw new Error(`ONNX export: layer '${c.node.name}' (${c.node.className}) needs a 4-D input`)
    const { kernel, shape, bias } = weightsOf(c)
    const kernelSize = [shape[0], shape[1]]
    const strides = pair(configOf<number | number[]>(c, 'strides'))
    const dilations = pair((c.node.config.dilation_rate as number | number[] | undefined) ?? 1)
    const pads = padsFor(configOf<string>(c, 'padding'), x.shape.slice(0, 2), kernelSize, strides, dilations)
    const channels = kind === 'conv' ? shape[3] : shape[2] * shape[3]
    const w = emitKernel(c, kind, kernel, shape)
    const b = emitBias(c, bias, channels)
    const y = c.g.node('Conv', [c.nchw(x), w, ...(b ? [b] : [])], {
      name: `${c.node.name}/conv`,
      attrs: { kernel_shape: { ints: kernelSize }, strides: { ints: strides }, dilations: { ints: dilations }, pads: { ints: pads }, group: { int: kind === 'conv' ? 1 : shape[2] } },
    })
    return applyActivation(c.g, valueOf(c, y, 'nchw'), String(c.node.config.activation ?? 'linear'), c.node.name)
  }
}

export const exportConv2d = exportConvolution('conv')
export const exportDepthwiseConv2d = exportConvolution('depthwise')
