/**
 * A net plan (`net-plan.ts`) → a functional tf.LayersModel of ordinary Keras layers (Conv2D,
 * DepthwiseConv2D, BatchNormalization, ReLU, Add, MaxPooling2D, GlobalAveragePooling2D, Dense),
 * named as planned, whose output is logits. Convolutions start from seeded He-normal weights (He et
 * al. 2015, as ResNets are trained), dense layers from seeded Glorot-uniform, each seed derived
 * from the run seed and the layer's name; batch norm keeps running statistics with momentum 0.9
 * (PyTorch's 0.1) and ε = 1e-5, so short runs evaluate on settled statistics.
 */
import * as tf from '@tensorflow/tfjs'
import type { NetModelSpec } from '../../../src-shared/spec/schema-nets'
import { deriveSeed } from '../random/seeded-rng'
import { planNet, type NetNode } from './net-plan'
import { SeededDropout } from './seeded-dropout'

function makeLayer(node: NetNode, seed: number): tf.layers.Layer {
  const name = node.name
  const layerSeed = deriveSeed(seed, `net-${name}`)
  const op = node.op
  switch (op.kind) {
    case 'conv2d':
      return tf.layers.conv2d({
        name,
        filters: op.filters,
        kernelSize: op.kernelSize,
        strides: op.strides,
        padding: 'same',
        useBias: false,
        kernelInitializer: tf.initializers.heNormal({ seed: layerSeed }),
      })
    case 'depthwiseConv2d':
      return tf.layers.depthwiseConv2d({
        name,
        kernelSize: op.kernelSize,
        strides: op.strides,
        padding: 'same',
        depthMultiplier: 1,
        useBias: false,
        depthwiseInitializer: tf.initializers.heNormal({ seed: layerSeed }),
      })
    case 'batchNorm':
      return tf.layers.batchNormalization({ name, momentum: 0.9, epsilon: 1e-5 })
    case 'relu':
      return tf.layers.reLU({ name, ...(op.maxValue === undefined ? {} : { maxValue: op.maxValue }) })
    case 'add':
      return tf.layers.add({ name })
    case 'maxPool2d':
      return tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2, padding: 'same' })
    case 'globalAvgPool':
      return tf.layers.globalAveragePooling2d({ name })
    case 'dropout':
      return new SeededDropout({ name, rate: op.rate, seed: layerSeed })
    case 'dense':
      return tf.layers.dense({
        name,
        units: op.units,
        activation: op.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed }),
        biasInitializer: 'zeros',
      })
  }
}

/** Builds the net a spec describes for images of `inputShape` and `numClasses` logits. */
export function buildNet(spec: NetModelSpec, inputShape: number[], numClasses: number, seed: number): tf.LayersModel {
  const plan = planNet(spec, inputShape, numClasses)
  if (plan.issues.length) throw new Error(plan.issues[0])
  const input = tf.input({ shape: inputShape, name: 'input' })
  const outputs = new Map<string, tf.SymbolicTensor>([['input', input]])
  for (const node of plan.nodes) {
    const args = node.inputs.map((n) => outputs.get(n) as tf.SymbolicTensor)
    outputs.set(node.name, makeLayer(node, seed).apply(args.length === 1 ? args[0] : args) as tf.SymbolicTensor)
  }
  const last = plan.nodes[plan.nodes.length - 1].name
  return tf.model({ name: spec.arch, inputs: input, outputs: outputs.get(last) as tf.SymbolicTensor })
}
