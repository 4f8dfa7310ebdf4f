/**
 * A Keras-style model as a user would bring one (issue 16, imported models): written with the
 * plain TF.js functional API — the same calls as `tf.keras` — and saved in the TF.js layers
 * format, with the couplings the dependency groups must keep: two residual Adds (an identity one
 * and one with a strided 1×1 projection), an inverted-residual block with a depthwise convolution,
 * and a Concatenate of a strided convolution with a max-pooled copy of the residual stream.
 *
 *   28×28×1 → stem 3×3/2 (16) → BN → ReLU                                     14×14×16
 *   block1: [3×3 (16) → BN → ReLU → 3×3 (16) → BN] + stem → ReLU               14×14×16
 *   down: [3×3/2 (24) → BN → ReLU] ‖ max-pool 2 of block1                       7×7×40
 *   block2: [1×1 (40) → BN → ReLU → depthwise 3×3 → BN → ReLU → 1×1 (40) → BN] + down → ReLU
 *   block3: [3×3/2 (48) → BN → ReLU → 3×3 (48) → BN] + [1×1/2 (48) → BN] → ReLU   4×4×48
 *   → global average pool → dense 10 (logits)
 *
 * About 1.5 M MACs per example, between a ResNet-8 of widths 8-16-32 (2.4 M) and half of it.
 */
import * as tf from '@tensorflow/tfjs'

type T = tf.SymbolicTensor

/** The model above, its kernels initialised from `seed` (Glorot uniform, as Keras does). */
export function kerasResidualNet(seed = 0): tf.LayersModel {
  let n = 0
  const init = (): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: seed * 100 + n++ })
  const apply = (layer: tf.layers.Layer, x: T | T[]): T => layer.apply(x) as T
  const conv = (name: string, x: T, filters: number, kernelSize: number, strides = 1): T =>
    apply(tf.layers.batchNormalization({ name: `${name}_bn` }), apply(tf.layers.conv2d({ name, filters, kernelSize, strides, padding: 'same', useBias: false, kernelInitializer: init() }), x))
  const relu = (name: string, x: T): T => apply(tf.layers.reLU({ name }), x)

  const input = tf.input({ shape: [28, 28, 1], name: 'image' })
  const stem = relu('stem_relu', conv('stem', input, 16, 3, 2))
  const b1 = conv('b1_conv2', relu('b1_relu1', conv('b1_conv1', stem, 16, 3)), 16, 3)
  const block1 = relu('b1_relu', apply(tf.layers.add({ name: 'b1_add' }), [stem, b1]))
  const down = relu('down_relu', conv('down', block1, 24, 3, 2))
  const pool = apply(tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }), block1)
  const cat = apply(tf.layers.concatenate({ name: 'cat' }), [down, pool])
  const expand = relu('b2_relu1', conv('b2_expand', cat, 40, 1))
  const dw = relu(
    'b2_relu2',
    apply(tf.layers.batchNormalization({ name: 'b2_dw_bn' }), apply(tf.layers.depthwiseConv2d({ name: 'b2_dw', kernelSize: 3, padding: 'same', useBias: false, depthwiseInitializer: init() }), expand)),
  )
  const b2 = conv('b2_project', dw, 40, 1)
  const block2 = relu('b2_relu', apply(tf.layers.add({ name: 'b2_add' }), [cat, b2]))
  const b3 = conv('b3_conv2', relu('b3_relu1', conv('b3_conv1', block2, 48, 3, 2)), 48, 3)
  const shortcut = conv('b3_shortcut', block2, 48, 1, 2)
  const block3 = relu('b3_relu', apply(tf.layers.add({ name: 'b3_add' }), [shortcut, b3]))
  const gap = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), block3)
  const logits = apply(tf.layers.dense({ name: 'logits', units: 10, kernelInitializer: init() }), gap)
  return tf.model({ inputs: input, outputs: logits, name: 'keras_residual' })
}
