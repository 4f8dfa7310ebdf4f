/**
 * A forward pass that applies the model's layers one by one (`layer.apply`), so a scorer can read
 * a layer's output or replace it (e.g. Taylor's probes) while gradients still flow. Inference mode
 * (BatchNormalization uses its moving statistics, Dropout is off) unless `training` is set.
 * Not wrapped in `tidy`: callers run it inside `tf.tidy` or `tf.grads`.
 */
import type * as tf from '@tensorflow/tfjs'
import type { LayerGraph } from './graph'

/** Options of the layer-by-layer forward pass. */
export interface ForwardOptions {
  training?: boolean
  /** Called with each layer's output; what it returns replaces that output downstream. */
  transform?: (layer: string, output: tf.Tensor) => tf.Tensor
  /** Layers whose (transformed) outputs are returned in `taps`. */
  taps?: Iterable<string>
}

/** The model's output and the requested layer outputs. */
export interface ForwardResult {
  output: tf.Tensor
  taps: Map<string, tf.Tensor>
}

/** Runs a single-input, single-output model layer by layer over its graph. */
export function forwardLayers(
  model: tf.LayersModel,
  graph: LayerGraph,
  x: tf.Tensor,
  options: ForwardOptions = {},
): ForwardResult {
  if (graph.outputs.length !== 1)
    throw new Error(
      `the forward pass needs a single-output model (this one has ${graph.outputs.length})`,
    )
  const training = options.training ?? false
  const wanted = new Set(options.taps ?? [])
  const values = new Map<string, tf.Tensor>()
  const taps = new Map<string, tf.Tensor>()
  for (const node of graph.nodes) {
    let y: tf.Tensor
    if (node.className === 'InputLayer') {
      y = x
    } else {
      // A Sequential model's first layer has no named input: it reads the model input.
      const inputs =
        node.inputs.length === 0
          ? [x]
          : node.inputs.map((name) => {
              const v = values.get(name)
              if (v === undefined)
                throw new Error(`layer '${node.name}' reads '${name}' before it is computed`)
              return v
            })
      const layer = model.getLayer(node.name)
      y = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training }) as tf.Tensor
    }
    if (options.transform !== undefined) y = options.transform(node.name, y)
    values.set(node.name, y)
    if (wanted.has(node.name)) taps.set(node.name, y)
  }
  return { output: values.get(graph.outputs[0]) as tf.Tensor, taps }
}
