/**
 * ModelSpec → tf.LayersModel (a Sequential model; the nets a functional one, build-nets.ts) whose output is logits. Weights are initialised
 * from the run seed: each layer gets its own seeded Glorot-uniform kernel initializer (zeros for
 * biases), and dropout masks come from seeded streams, so a run is reproducible from its seed.
 */
import * as tf from '@tensorflow/tfjs'
import { isNetModel, type LayerSpec, type ModelSpec } from '../../../src-shared/spec/schema'
import { deriveSeed } from '../random/seeded-rng'
import { buildNet } from './build-nets'
import { planModel } from './model-plan'
import { SeededDropout } from './seeded-dropout'

function makeLayer(spec: LayerSpec, index: number, seed: number, inputShape?: number[]): tf.layers.Layer {
  const layerSeed = deriveSeed(seed, `layer-${index}`)
  const common = { ...(spec.name ? { name: spec.name } : {}), ...(inputShape ? { inputShape } : {}) }
  switch (spec.type) {
    case 'dense':
      return tf.layers.dense({
        ...common,
        units: spec.units,
        activation: spec.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed }),
        biasInitializer: 'zeros',
      })
    case 'conv2d':
      return tf.layers.conv2d({
        ...common,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        strides: spec.strides,
        padding: spec.padding,
        activation: spec.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed }),
        biasInitializer: 'zeros',
      })
    case 'maxPool2d':
      return tf.layers.maxPooling2d({ ...common, poolSize: spec.poolSize, strides: spec.strides ?? spec.poolSize })
    case 'avgPool2d':
      return tf.layers.averagePooling2d({ ...common, poolSize: spec.poolSize, strides: spec.strides ?? spec.poolSize })
    case 'flatten':
      return tf.layers.flatten(common)
    case 'dropout':
      return new SeededDropout({ rate: spec.rate, seed: layerSeed, ...(spec.name ? { name: spec.name } : {}) })
    case 'batchNorm':
      return tf.layers.batchNormalization(common)
  }
}

/** Builds the model a spec describes for a dataset's input shape and class count; logits out. */
export function buildModel(spec: ModelSpec, inputShape: number[], numClasses: number, seed: number): tf.LayersModel {
  if (isNetModel(spec)) return buildNet(spec, inputShape, numClasses, seed)
  const plan = planModel(spec, inputShape, numClasses)
  if (plan.issues.length) throw new Error(plan.issues[0])
  const model = tf.sequential({ name: spec.arch })
  model.add(tf.layers.inputLayer({ inputShape }))
  plan.layers.forEach((l, i) => model.add(makeLayer(l.spec, i, seed)))
  return model
}
