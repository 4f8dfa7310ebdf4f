/**
 * Fake quantization of activations (METHODS Q1; Jacob et al. 2018 §3): the forward pass computes
 * x̂ = s · (clamp(round(x / s) + z, 0, 255) − z), what ONNX Runtime's QuantizeLinear →
 * DequantizeLinear pair computes; the backward pass is the straight-through estimator, the
 * gradient passed as it is inside the representable range [s · (0 − z), s · (255 − z)] and zero
 * outside (Bengio et al. 2013; Jacob et al. 2018 eq. 12's clamp). `withFakeQuant` builds a model
 * that shares the original's layers (and so its weights) with a fake-quantization layer after each
 * calibrated layer output (and on the input), for evaluation and quantization-aware training.
 * The copy has its own layers: a layer shared by two models has two inbound nodes, which the
 * lab's layer report (and TF.js's `layer.input`) refuses.
 */
import * as tf from '@tensorflow/tfjs'
import { INPUT_KEY } from '../export/onnx/export-onnx'
import { buildLayerGraph } from '../prune/graph'
import type { ActivationQuantization } from './kernel-encoding'

/** x̂ with the straight-through gradient. */
export function fakeQuantize(x: tf.Tensor, q: ActivationQuantization): tf.Tensor {
  const lo = q.scale * (0 - q.zeroPoint)
  const hi = q.scale * (255 - q.zeroPoint)
  const f = tf.customGrad((input, save) => {
    const t = input as tf.Tensor
    ;(save as tf.GradSaveFunc)([t])
    const value = tf.tidy(() => fakeQuantValues(t, q))
    return {
      value,
      gradFunc: (dy, saved) => tf.tidy(() => tf.mul(dy, tf.logicalAnd(tf.greaterEqual(saved[0], lo), tf.lessEqual(saved[0], hi)).cast('float32'))),
    }
  })
  return f(x)
}

/** x̂ = s · (clamp(round(x / s) + z, 0, 255) − z), no gradient rule (calibration, inference). */
export function fakeQuantValues(x: tf.Tensor, q: ActivationQuantization): tf.Tensor {
  return tf.tidy(() => tf.clipByValue(tf.round(tf.div(x, q.scale)).add(q.zeroPoint), 0, 255).sub(q.zeroPoint).mul(q.scale))
}

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>

/** A layer that fake-quantizes its input with a fixed calibrated range (never saved: the lab's own). */
export class FakeQuant extends tf.layers.Layer {
  static className = 'LabFakeQuant'
  constructor(
    private readonly q: ActivationQuantization,
    args: LayerArgs = {},
  ) {
    super(args)
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return fakeQuantize(Array.isArray(inputs) ? inputs[0] : inputs, this.q)
  }
}

/** A new layer of the same class and config as `layer` (weights copied once it is built). */
function copyLayer(layer: tf.layers.Layer): tf.layers.Layer {
  const cls = layer.constructor as tf.serialization.SerializableConstructor<tf.layers.Layer>
  return cls.fromConfig(cls, layer.getConfig())
}

/**
 * A model computing what the quantized model computes: a copy of `model` (same layers and weights,
 * its own variables, so `model` keeps one graph) with each output named in `activations` (and the
 * input, under `INPUT_KEY`) fake-quantized. `copyWeightsBack` returns trained weights to `model`.
 */
export function withFakeQuant(model: tf.LayersModel, activations: ReadonlyMap<string, ActivationQuantization>): tf.LayersModel {
  const graph = buildLayerGraph(model)
  const input = tf.input({ shape: (model.inputs[0].shape as number[]).slice(1) })
  const quantized = (name: string, x: tf.SymbolicTensor): tf.SymbolicTensor => {
    const q = activations.get(name)
    return q ? (new FakeQuant(q, { name: `${name || 'input'}_fake_quant` }).apply(x) as tf.SymbolicTensor) : x
  }
  const x = quantized(INPUT_KEY, input)
  const values = new Map<string, tf.SymbolicTensor>()
  const copies: [tf.layers.Layer, tf.layers.Layer][] = []
  for (const node of graph.nodes) {
    if (node.className === 'InputLayer') {
      values.set(node.name, x)
      continue
    }
    const inputs = node.inputs.length === 0 ? [x] : node.inputs.map((n) => values.get(n) as tf.SymbolicTensor)
    const original = model.getLayer(node.name)
    const copy = copyLayer(original)
    const y = copy.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor
    copies.push([original, copy])
    values.set(node.name, quantized(node.name, y))
  }
  const out = tf.model({ inputs: input, outputs: values.get(graph.outputs[0]) as tf.SymbolicTensor, name: `${model.name}_quantized` })
  for (const [original, copy] of copies) copy.setWeights(original.getWeights())
  return out
}

/** Writes the weights of a `withFakeQuant` copy back into the model it was made from. */
export function copyWeightsBack(copy: tf.LayersModel, model: tf.LayersModel): void {
  for (const layer of model.layers) if (layer.weights.length > 0) layer.setWeights(copy.getLayer(layer.name).getWeights())
}
