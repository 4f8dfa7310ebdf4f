/**
 * Inference as deployment runtimes run a trained net (TFLite, ONNX Runtime, the TF.js converter's
 * graph models): every BatchNormalization folded into the Conv2D, DepthwiseConv2D or Dense before it
 * (`models/batch-norm-fold.ts`), and that layer, its bias and a ReLU/ReLU6 after it run as ONE fused
 * op (`tf.fused.conv2d`, `tf.fused.depthwiseConv2d`, `tf.fused.matMul`) instead of three passes over
 * the feature map. Every other layer runs as the layers model runs it (`layer.apply`, inference
 * mode). The outputs equal `model.predict`'s up to float rounding (folded-inference.test.ts); the
 * lab times this for `latency.ms` / `latency.cpu.ms`.
 */
import * as tf from '@tensorflow/tfjs'
import { batchNormAffine, FOLDABLE_KERNELS, foldTarget } from '../models/batch-norm-fold'
import { buildLayerGraph, type GraphNode, type LayerGraph } from '../prune/graph'

type FusedActivation = 'linear' | 'relu' | 'relu6'

/** A kernel layer with the batch norm and activation after it, as one fused op. */
interface FusedOp {
  node: GraphNode
  /** The layers after `node` the op stands for (a batch norm, an activation); the last one's output is the op's. */
  absorbed: GraphNode[]
  kernel: tf.Tensor
  bias: tf.Tensor1D | undefined
  activation: FusedActivation
}

/** A model's folded inference: `predict` (caller disposes the result) and the weights it holds. */
export interface FoldedInference {
  predict(x: tf.Tensor): tf.Tensor
  /** Kernel layers run as fused ops, and batch norms folded into them. */
  fusedOps: number
  foldedBatchNorms: number
  dispose(): void
}

/** The fused activation a ReLU-like layer stands for, or null. */
function activationOf(node: GraphNode): FusedActivation | null {
  const c = node.config
  if (node.className === 'Activation') return c.activation === 'relu' || c.activation === 'relu6' ? c.activation : null
  if (node.className !== 'ReLU' || Number(c.negative_slope ?? 0) !== 0 || Number(c.threshold ?? 0) !== 0) return null
  const max = c.max_value ?? null
  return max === null ? 'relu' : max === 6 ? 'relu6' : null
}

/** The layer that alone reads `name`'s output, unless that output is also a model output. */
function soleReader(graph: LayerGraph, name: string): GraphNode | null {
  const readers = graph.consumers.get(name) ?? []
  return readers.length === 1 && !graph.outputs.includes(name) ? (graph.byName.get(readers[0]) ?? null) : null
}

/** Whether `node` can run as a fused op: a channels-last conv, or a Dense on a flat input, with a fusable activation. */
function fusable(graph: LayerGraph, node: GraphNode): boolean {
  if (!FOLDABLE_KERNELS.has(node.className) || node.inputs.length > 1) return false
  if (!['linear', 'relu', 'relu6'].includes(String(node.config.activation ?? 'linear'))) return false
  if (node.className === 'Dense') {
    const input = node.inputs.length === 1 ? graph.byName.get(node.inputs[0])?.outputShape : graph.inputShape
    return input?.length === 1
  }
  return (node.config.data_format ?? 'channels_last') === 'channels_last'
}

/** The fused op starting at kernel layer `node`: its batch norm folded in, its activation absorbed. */
async function fusedOp(model: tf.LayersModel, graph: LayerGraph, node: GraphNode): Promise<FusedOp> {
  const layer = model.getLayer(node.name)
  const [kernel, bias] = layer.getWeights()
  const absorbed: GraphNode[] = []
  let activation = node.config.activation as FusedActivation
  let scale: Float32Array | null = null
  let shift: Float32Array | null = null
  const next = soleReader(graph, node.name)
  if (next && foldTarget(graph, next) === node) {
    const bn = model.getLayer(next.name)
    const values = await Promise.all(bn.getWeights().map(async (w) => (await w.data()) as Float32Array))
    ;({ scale, shift } = batchNormAffine(bn, next.config, values))
    absorbed.push(next)
  }
  const after = activation === 'linear' ? soleReader(graph, (absorbed[0] ?? node).name) : null
  const act = after ? activationOf(after) : null
  if (after && act) {
    activation = act
    absorbed.push(after)
  }
  const folded = tf.tidy(() => {
    if (!scale || !shift) return { kernel: tf.clone(kernel), bias: bias ? (tf.clone(bias) as tf.Tensor1D) : undefined }
    const a = tf.tensor1d(scale)
    // DepthwiseConv2D's kernel is [kh, kw, channels, multiplier]: output channel c·m + j.
    const perChannel = node.className === 'DepthwiseConv2D' ? a.reshape(kernel.shape.slice(2)) : a
    const b = bias ? bias.mul(a).add(tf.tensor1d(shift)) : tf.tensor1d(shift)
    return { kernel: kernel.mul(perChannel), bias: b as tf.Tensor1D }
  })
  return { node, absorbed, activation, ...folded }
}

function pair(v: unknown): [number, number] {
  return Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v ?? 1), Number(v ?? 1)]
}

function runFused(op: FusedOp, x: tf.Tensor): tf.Tensor {
  const c = op.node.config
  const common = { bias: op.bias, activation: op.activation }
  if (op.node.className === 'Dense') return tf.fused.matMul({ a: x as tf.Tensor2D, b: op.kernel as tf.Tensor2D, ...common })
  const conv = { x: x as tf.Tensor4D, strides: pair(c.strides), pad: c.padding as 'same' | 'valid', dilations: pair(c.dilation_rate), ...common }
  return op.node.className === 'Conv2D'
    ? tf.fused.conv2d({ ...conv, filter: op.kernel as tf.Tensor4D })
    : tf.fused.depthwiseConv2d({ ...conv, filter: op.kernel as tf.Tensor4D })
}

/**
 * The folded inference of a single-input, single-output layers model. Other models (several inputs
 * or outputs) are run by `model.predict`, with `fusedOps` 0.
 */
export async function foldedInference(model: tf.LayersModel): Promise<FoldedInference> {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    return { predict: (x) => model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor, fusedOps: 0, foldedBatchNorms: 0, dispose: () => undefined }
  }
  const graph = buildLayerGraph(model)
  const ops = new Map<string, FusedOp>()
  const absorbed = new Set<string>()
  for (const node of graph.nodes) {
    if (absorbed.has(node.name) || !fusable(graph, node)) continue
    const op = await fusedOp(model, graph, node)
    ops.set(node.name, op)
    for (const a of op.absorbed) absorbed.add(a.name)
  }
  const predict = (x: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const values = new Map<string, tf.Tensor>()
      const read = (name: string): tf.Tensor => {
        const v = values.get(name)
        if (!v) throw new Error(`folded inference: '${name}' is read before it is computed`)
        return v
      }
      for (const node of graph.nodes) {
        if (absorbed.has(node.name)) continue
        if (node.className === 'InputLayer') {
          values.set(node.name, x)
          continue
        }
        // A Sequential model's first layer has no named input: it reads the model input.
        const inputs = node.inputs.length === 0 ? [x] : node.inputs.map(read)
        const op = ops.get(node.name)
        const y = op
          ? runFused(op, inputs[0])
          : (model.getLayer(node.name).apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor)
        values.set((op?.absorbed.at(-1) ?? node).name, y)
      }
      return read(graph.outputs[0])
    })
  const all = [...ops.values()]
  return {
    predict,
    fusedOps: all.length,
    foldedBatchNorms: all.filter((op) => op.absorbed[0]?.className === 'BatchNormalization').length,
    dispose: () => ops.forEach((op) => tf.dispose([op.kernel, op.bias])),
  }
}
