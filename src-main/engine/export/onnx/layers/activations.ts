/**
 * Activations, as a layer's fused `activation` or a layer of their own (Activation, ReLU,
 * LeakyReLU, Softmax): elementwise ops keep their input's layout; softmax runs over the channels.
 */
import type { OnnxGraphBuilder } from '../graph-builder'
import { configOf, valueOf, type LayerExportContext, type LayerExporter, type OnnxValue } from '../layer-export'

const ELEMENTWISE: Readonly<Record<string, string>> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', elu: 'Elu', selu: 'Selu', softplus: 'Softplus', softsign: 'Softsign' }

/** `v` through the Keras activation `name` (`linear` leaves it as it is); `base` names the nodes. */
export function applyActivation(g: OnnxGraphBuilder, v: OnnxValue, name: string, base: string): OnnxValue {
  if (name === 'linear' || name === undefined || name === null) return v
  const op = ELEMENTWISE[name]
  if (op) return { ...v, name: g.node(op, [v.name], { name: `${base}/${name}` }) }
  if (name === 'relu6') {
    const lo = g.floats(`${base}/zero`, [0], [])
    const hi = g.floats(`${base}/six`, [6], [])
    return { ...v, name: g.node('Clip', [v.name, lo, hi], { name: `${base}/relu6` }) }
  }
  if (name === 'softmax') {
    const axis = v.layout === 'nchw' ? 1 : v.shape.length
    return { ...v, name: g.node('Softmax', [v.name], { name: `${base}/softmax`, attrs: { axis: { int: axis } } }) }
  }
  throw new Error(`ONNX export: activation '${name}' (at ${base}) has no ONNX exporter`)
}

export const exportActivation: LayerExporter = (c) => applyActivation(c.g, c.inputs[0], configOf<string>(c, 'activation'), c.node.name)

export const exportSoftmax: LayerExporter = (c) => {
  const axis = c.node.config.axis ?? -1
  if (axis !== -1 && axis !== c.inputs[0].shape.length) throw new Error(`ONNX export: layer '${c.node.name}' (Softmax) over axis ${String(axis)}: only the last axis is supported`)
  return applyActivation(c.g, c.inputs[0], 'softmax', c.node.name)
}

export const exportLeakyRelu: LayerExporter = (c) => {
  const alpha = Number(c.node.config.alpha ?? 0.3)
  const v = c.inputs[0]
  return { ...v, shape: c.node.outputShape, name: c.g.node('LeakyRelu', [v.name], { name: `${c.node.name}/leakyrelu`, attrs: { alpha: { float: alpha } } }) }
}

export const exportRelu: LayerExporter = (c: LayerExportContext) => {
  const { max_value: max, negative_slope: slope, threshold } = c.node.config as Record<string, number | null | undefined>
  if ((slope ?? 0) !== 0 || (threshold ?? 0) !== 0) throw new Error(`ONNX export: layer '${c.node.name}' (ReLU) with a negative slope or threshold is not supported`)
  const v = c.inputs[0]
  const relu = c.g.node('Relu', [v.name], { name: `${c.node.name}/relu` })
  if (max === null || max === undefined) return valueOf(c, relu, v.layout)
  const lo = c.g.floats(`${c.node.name}/min`, [0], [])
  const hi = c.g.floats(`${c.node.name}/max`, [max], [])
  return valueOf(c, c.g.node('Clip', [relu, lo, hi], { name: `${c.node.name}/clip` }), v.layout)
}
