/**
 * BatchNormalization in inference mode as y = a · x + shift with a = γ / √(σ² + ε) and
 * shift = β − μ · a (Ioffe & Szegedy 2015, eq. in Alg. 2 with the moving statistics); folded into
 * the Dense/Conv before it where it can be (`fold.ts`), a Mul and an Add over the channels otherwise.
 */
import type * as tf from '@tensorflow/tfjs'
import type { FoldedBatchNorm, LayerExporter } from '../layer-export'
import { valueOf } from '../layer-export'

/** The affine form of a BatchNormalization layer (channels last). */
export function batchNormAffine(layer: tf.layers.Layer, config: Record<string, unknown>, weights: readonly Float32Array[]): FoldedBatchNorm {
  const axis = config.axis ?? -1
  if (axis !== -1 && !(Array.isArray(axis) && axis.length === 1 && axis[0] === -1)) {
    const rank = (layer.outputShape as number[]).length
    if (axis !== rank - 1) throw new Error(`ONNX export: layer '${layer.name}' (BatchNormalization) over axis ${String(axis)}: only the channel (last) axis is supported`)
  }
  const eps = Number(config.epsilon ?? 1e-3)
  const values = new Map(layer.weights.map((w, i) => [w.originalName.split('/').pop() ?? '', weights[i]]))
  const mean = values.get('moving_mean')
  const variance = values.get('moving_variance')
  if (!mean || !variance) throw new Error(`ONNX export: layer '${layer.name}' (BatchNormalization) has no moving statistics`)
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

export const exportBatchNorm: LayerExporter = (c) => {
  const x = c.inputs[0]
  if (c.isFolded) return { ...x, shape: c.node.outputShape }
  const { scale, shift } = batchNormAffine(c.layer, c.node.config, c.values)
  const nchw = x.layout === 'nchw'
  const dims = nchw ? [scale.length, 1, 1] : [scale.length]
  const a = c.g.floats(`${c.node.name}/scale`, scale, dims)
  const b = c.g.floats(`${c.node.name}/shift`, shift, dims)
  const mul = c.g.node('Mul', [x.name, a], { name: `${c.node.name}/mul` })
  return valueOf(c, c.g.node('Add', [mul, b], { name: `${c.node.name}/add` }), x.layout)
}
