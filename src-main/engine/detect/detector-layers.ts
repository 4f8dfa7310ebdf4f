/** Seeded layer factories shared by the detector builders (conv + batch norm + leaky ReLU blocks). */
import * as tf from '@tensorflow/tfjs'
import { deriveSeed } from '../random/seeded-rng'

export interface ConvBlockOptions {
  name: string
  filters: number
  kernelSize: number
  seed: number
  batchNorm: boolean
}

/**
 * Conv (3×3 or 1×1, stride 1, same padding) → BatchNorm → LeakyReLU(0.1), as in the Darknet
 * Tiny-YOLO blocks. The conv has a bias only without batch norm (the norm's β replaces it).
 */
export function convBlock(x: tf.SymbolicTensor, o: ConvBlockOptions): tf.SymbolicTensor {
  let y = tf.layers
    .conv2d({
      name: o.name,
      filters: o.filters,
      kernelSize: o.kernelSize,
      padding: 'same',
      useBias: !o.batchNorm,
      kernelInitializer: tf.initializers.heNormal({ seed: deriveSeed(o.seed, o.name) }),
    })
    .apply(x) as tf.SymbolicTensor
  // Momentum 0.9 (not Keras' 0.99) so the running statistics settle within short runs.
  if (o.batchNorm) y = tf.layers.batchNormalization({ name: `${o.name}_bn`, momentum: 0.9 }).apply(y) as tf.SymbolicTensor
  return tf.layers.leakyReLU({ name: `${o.name}_leaky`, alpha: 0.1 }).apply(y) as tf.SymbolicTensor
}

/** The linear 1×1 detection conv giving S×S×(B·5 + C). */
export function detectionConv(x: tf.SymbolicTensor, channels: number, seed: number): tf.SymbolicTensor {
  return tf.layers
    .conv2d({
      name: 'detection',
      filters: channels,
      kernelSize: 1,
      padding: 'same',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'detection') }),
      biasInitializer: 'zeros',
    })
    .apply(x) as tf.SymbolicTensor
}

export function maxPool(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 }).apply(x) as tf.SymbolicTensor
}

/** The grid size after `pools` 2×2 poolings, or an error when the input does not divide. */
export function gridAfterPools(inputShape: readonly number[], pools: number, expected: number): number {
  const [h, w] = inputShape
  const f = 2 ** pools
  if (h !== w) throw new Error(`detector: square inputs only, got ${h}×${w}`)
  if (h % f !== 0) throw new Error(`detector: input ${h}×${w} is not divisible by ${f} (${pools} poolings)`)
  if (h / f !== expected) {
    const grid = `${h / f}×${h / f}`
    throw new Error(`detector: ${pools} poolings of a ${h}×${w} input give a ${grid} grid, but the head expects ${expected}×${expected}`)
  }
  return h / f
}
