/**
 * Batch norm folded into the layer before it, as inference runtimes do (and the ONNX export):
 * in inference mode a BatchNormalization is y = a · x + shift per channel with a = γ / √(σ² + ε)
 * and shift = β − μ · a (Ioffe & Szegedy 2015, Alg. 2 with the moving statistics), so after a
 * Dense/Conv2D/DepthwiseConv2D without an activation of its own it is that layer with its output
 * channels scaled by a and shifted by shift.
 */
import type * as tf from '@tensorflow/tfjs'
import type { GraphNode, LayerGraph } from '../prune/layer-graph'

/** Per-channel multipliers and offsets of a BatchNormalization folded into the layer before it. */
export interface FoldedBatchNorm {
  scale: Float32Array
  shift: Float32Array
}

/** Layer kinds a BatchNormalization after them can be folded into. */
export const FOLDABLE_KERNELS: ReadonlySet<string> = new Set(['Dense', 'Conv2D', 'DepthwiseConv2D'])

/**
 * The layer `bn` folds into: the Dense/Conv before it when that layer has no activation, is read
 * by `bn` alone and is not a model output; otherwise null.
 */
export function foldTarget(graph: LayerGraph, bn: GraphNode): GraphNode | null {
  if (bn.className !== 'BatchNormalization' || bn.inputs.length !== 1) return null
  const before = graph.byName.get(bn.inputs[0])
  if (!before || !FOLDABLE_KERNELS.has(before.className)) return null
  if ((before.config.activation ?? 'linear') !== 'linear') return null
  if ((graph.consumers.get(before.name) ?? []).length !== 1 || graph.outputs.includes(before.name)) return null
  return before
}

/** The affine form of a BatchNormalization layer (channels last) from its weight values in `layer.weights` order. */
export function batchNormAffine(layer: tf.layers.Layer, config: Record<string, unknown>, weights: readonly Float32Array[]): FoldedBatchNorm {
  const axis = config.axis ?? -1
  if (axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) {
    const rank = (layer.outputShape as number[]).length
    if (axis !== rank - 1) throw new Error(`layer '${layer.name}' (BatchNormalization) over axis ${String(axis)}: only the channel (last) axis is supported`)
  }
  const eps = Number(config.epsilon ?? 1e-3)
  const values = new Map(layer.weights.map((w, i) => [w.originalName.split('/').pop() ?? '', weights[i]]))
  const mean = values.get('moving_mean')
  const variance = values.get('moving_variance')
  if (!mean || !variance) throw new Error(`layer '${layer.name}' (BatchNormalization) has no moving statistics`)
  const gamma = values.get('gamma')
  const beta = values.get('beta')
  const scale = new Float32Array(mean.length)
  const shift = new Float32Array(mean.length)
  for (let ch = 0; ch < mean.length; ch++) {
    scale[ch] = (gamma ? gamma[ch] : 1) / Math.sqrt(variance[ch] + eps)
    shift[ch] = (beta ? beta[ch] : 0) - mean[ch] * scale[ch]
  }
  return { scale, shift }
}
