/**
 * A TF.js layers model as an ONNX model (opset 13): the graph walked in topological order, one
 * exporter per layer kind (`layers/`), BatchNormalization folded into the Dense/Conv before it
 * where that layer's only reader is the BatchNormalization and it has no activation of its own.
 * The input is the lab's NHWC (or flat) input with a dynamic batch dimension; the output is in
 * TF.js order. A quantized model passes its kernels' encodings (QDQ for int8/uint8, a Cast for
 * float16) and the calibrated ranges of its activations (a QuantizeLinear/DequantizeLinear pair on
 * each quantized layer output, keyed by layer name; `INPUT_KEY` for the model input).
 */
import type * as tf from '@tensorflow/tfjs'
import { buildLayerGraph, type GraphNode, type LayerGraph } from '../../prune/graph'
import type { ActivationQuantization, KernelEncoding } from '../../quantize/kernel-encoding'
import { OnnxGraphBuilder } from './graph-builder'
import type { FoldedBatchNorm, LayerExportContext, OnnxValue } from './layer-export'
import { batchNormAffine, foldTarget } from '../../models/batch-norm-fold'
import { KERNEL_LAYERS, layerExporter } from './layers'

/** The activation-quantization key of the model's input. */
export const INPUT_KEY = ''

export interface OnnxExportOptions {
  /** Kernel encodings by layer name; float32 for the layers left out. */
  kernels?: ReadonlyMap<string, KernelEncoding>
  /** Calibrated activation ranges by producing layer name (`INPUT_KEY`: the model input). */
  activations?: ReadonlyMap<string, ActivationQuantization>
  docString?: string
}

/** An exported model: its bytes and the bytes of each layer's initializers. */
export interface OnnxExport {
  bytes: Uint8Array
  /** Initializer bytes by layer name (weights as stored: values, scales, zero points). */
  layerBytes: Map<string, number>
}

/** BatchNormalization layers that fold into the layer before them: BN name → that layer's name. */
function foldableBatchNorms(graph: LayerGraph, kernels: ReadonlyMap<string, KernelEncoding>): Map<string, string> {
  const folds = new Map<string, string>()
  for (const node of graph.nodes) {
    const before = foldTarget(graph, node)
    if (!before) continue
    const kind = kernels.get(before.name)?.kind ?? 'float32'
    if (kind === 'float32' || kind === 'int8') folds.set(node.name, before.name)
  }
  return folds
}

/** A value quantized and dequantized with a calibrated uint8 range (QDQ). */
function quantizeActivation(g: OnnxGraphBuilder, v: OnnxValue, q: ActivationQuantization, base: string): OnnxValue {
  const s = g.floats(`${base}/act_scale`, [q.scale], [])
  const z = g.initializer(`${base}/act_zero_point`, Uint8Array.of(q.zeroPoint), [])
  const quantized = g.node('QuantizeLinear', [v.name, s, z], { name: `${base}/act_quant` })
  return { ...v, name: g.node('DequantizeLinear', [quantized, s, z], { name: `${base}/act_dequant` }) }
}

/** Every layer's weight values, read asynchronously (as the webgpu backend under Node requires). */
async function weightValues(model: tf.LayersModel): Promise<Map<string, Float32Array[]>> {
  const out = new Map<string, Float32Array[]>()
  for (const layer of model.layers) out.set(layer.name, await Promise.all(layer.weights.map(async (w) => (await w.read().data()) as Float32Array)))
  return out
}

/** Exports a single-input, single-output TF.js layers model to ONNX. */
export async function exportOnnx(model: tf.LayersModel, o: OnnxExportOptions = {}): Promise<OnnxExport> {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error(`ONNX export: the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; one of each is supported`)
  const graph = buildLayerGraph(model)
  for (const node of graph.nodes) layerExporter(node.className, node.name)
  const kernels = o.kernels ?? new Map<string, KernelEncoding>()
  const activations = o.activations ?? new Map<string, ActivationQuantization>()
  const folds = foldableBatchNorms(graph, kernels)
  const weights = await weightValues(model)
  const foldedInto = new Map([...folds].map(([bn, layer]) => [layer, bn]))
  const g = new OnnxGraphBuilder()

  const inputShape = (model.inputs[0].shape as (number | null)[]).slice(1).map((d) => {
    if (d === null) throw new Error('ONNX export: the model input has a dimension of unknown size besides the batch')
    return d
  })
  let input: OnnxValue = { name: g.input('input', ['batch', ...inputShape]), layout: 'tf', shape: inputShape }
  const inputQ = activations.get(INPUT_KEY)
  if (inputQ) input = quantizeActivation(g, input, inputQ, 'input')

  const transposed = new Map<string, string>()
  const reorder = (v: OnnxValue, to: OnnxValue['layout']): string => {
    if (v.layout === to) return v.name
    if (v.shape.length !== 3) throw new Error(`ONNX export: ${v.name} is not a feature map (shape [${v.shape.join(', ')}])`)
    const key = `${v.name}>${to}`
    const done = transposed.get(key)
    if (done) return done
    const perm = to === 'nchw' ? [0, 3, 1, 2] : [0, 2, 3, 1]
    const name = g.node('Transpose', [v.name], { name: `${v.name}/to_${to}`, attrs: { perm: { ints: perm } } })
    transposed.set(key, name)
    return name
  }

  const values = new Map<string, OnnxValue>()
  const layerBytes = new Map<string, number>()
  for (const node of graph.nodes) {
    const inputs = node.className === 'InputLayer' || node.inputs.length === 0 ? [input] : node.inputs.map((n) => valueFor(values, n, node))
    const before = new Set(g.initializerBytes.keys())
    const ctx: LayerExportContext = {
      g,
      node,
      layer: model.getLayer(node.name),
      inputs,
      nchw: (v) => reorder(v, 'nchw'),
      tfOrder: (v) => reorder(v, 'tf'),
      values: weights.get(node.name) ?? [],
      encoding: kernels.get(node.name) ?? { kind: 'float32' },
      folded: foldedOf(model, graph, foldedInto.get(node.name), weights),
      isFolded: folds.has(node.name),
    }
    if (!KERNEL_LAYERS.has(node.className) && kernels.has(node.name)) throw new Error(`ONNX export: layer '${node.name}' (${node.className}) has no kernel to quantize`)
    let out = layerExporter(node.className, node.name)(ctx)
    const q = activations.get(node.name)
    if (q) out = quantizeActivation(g, out, q, node.name)
    values.set(node.name, out)
    let bytes = 0
    for (const [name, b] of g.initializerBytes) if (!before.has(name)) bytes += b
    const owner = folds.get(node.name) ?? node.name
    layerBytes.set(owner, (layerBytes.get(owner) ?? 0) + bytes)
  }
  const last = valueFor(values, graph.outputs[0], null)
  const output = g.node('Identity', [reorder(last, 'tf')], { name: 'output' })
  g.output(output, ['batch', ...last.shape])
  return { bytes: g.encode({ graphName: model.name, ...(o.docString ? { docString: o.docString } : {}) }), layerBytes }
}

function valueFor(values: ReadonlyMap<string, OnnxValue>, name: string, reader: GraphNode | null): OnnxValue {
  const v = values.get(name)
  if (!v) throw new Error(`ONNX export: ${reader ? `layer '${reader.name}'` : 'the output'} reads '${name}' before it is exported`)
  return v
}

function foldedOf(model: tf.LayersModel, graph: LayerGraph, bn: string | undefined, weights: ReadonlyMap<string, Float32Array[]>): FoldedBatchNorm | null {
  if (bn === undefined) return null
  const node = graph.byName.get(bn)
  if (!node) return null
  return batchNormAffine(model.getLayer(bn), node.config, weights.get(bn) ?? [])
}
