/**
 * The three networks of `npm run bench:gpu` (issue 15 item 6), built with the lab's own builder where
 * it has them: the MLP 784-256-10 and LeNet-5 of `npm run bench`, and a ResNet-20-sized conv net
 * for 32×32×3 inputs (He et al. 2016's CIFAR ResNet-20: a 3×3/16 conv, three stages of three
 * basic blocks of 16, 32 and 64 filters with 1×1 projections where the shape changes, global
 * average pooling, 10 logits; 0.27 M parameters), written here with tf.layers.
 */
import * as tf from '@tensorflow/tfjs'
import { buildModel } from '../../../src-main/engine/models/build-model'
import type { ModelSpec } from '../../../src-shared/spec/schema'

export const GPU_BENCH_MODELS = ['mlp', 'lenet5', 'resnet20'] as const
export type GpuBenchModel = (typeof GPU_BENCH_MODELS)[number]

export const INPUT_SHAPES: Record<GpuBenchModel, [number, number, number]> = {
  mlp: [28, 28, 1],
  lenet5: [28, 28, 1],
  resnet20: [32, 32, 3],
}

const SPECS: Record<'mlp' | 'lenet5', ModelSpec> = {
  mlp: { arch: 'mlp', hidden: [256], activation: 'relu', dropout: 0, inputDropout: 0 },
  lenet5: { arch: 'lenet5', filters: [6, 16], dense: [120, 84], dropout: 0 },
}

type Sym = tf.SymbolicTensor

function convBn(x: Sym, filters: number, kernelSize: number, strides: number): Sym {
  const conv = tf.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: 'heNormal' })
  return tf.layers.batchNormalization().apply(conv.apply(x)) as Sym
}

function resnet20(): tf.LayersModel {
  const input = tf.input({ shape: INPUT_SHAPES.resnet20 })
  let x = tf.layers.reLU().apply(convBn(input, 16, 3, 1)) as Sym
  for (const [stage, filters] of [16, 32, 64].entries()) {
    for (let block = 0; block < 3; block++) {
      const strides = stage > 0 && block === 0 ? 2 : 1
      const y = convBn(tf.layers.reLU().apply(convBn(x, filters, 3, strides)) as Sym, filters, 3, 1)
      const shortcut = strides === 1 && x.shape[3] === filters ? x : convBn(x, filters, 1, strides)
      x = tf.layers.reLU().apply(tf.layers.add().apply([y, shortcut])) as Sym
    }
  }
  const pooled = tf.layers.globalAveragePooling2d({}).apply(x) as Sym
  const logits = tf.layers.dense({ units: 10 }).apply(pooled) as Sym
  return tf.model({ inputs: input, outputs: logits })
}

/** A freshly initialised network of the bench. */
export function buildBenchModel(name: GpuBenchModel): tf.LayersModel {
  return name === 'resnet20' ? resnet20() : buildModel(SPECS[name], INPUT_SHAPES[name], 10, 0)
}
