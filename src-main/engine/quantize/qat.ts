/**
 * Quantization-aware training of the weights (METHODS Q1; Jacob et al. 2018 §3, Krishnamoorthi
 * 2018 §3.2): the float kernels are kept as shadow ("master") weights, the model computes with
 * their quantized values, and each optimiser step's update — the gradient at the quantized
 * weights, passed straight through (every int8/uint8 scale covers the kernel's whole range, so
 * nothing is clipped) — is applied to the float kernels, which are quantized again for the next
 * step. After a step the layer holds Q(W) + Δ; the float kernel becomes W + Δ. The steps run as
 * tensor operations (no reads back to the CPU); the final encodings are computed once, on the CPU,
 * from the float kernels, exactly as post-training quantization computes them.
 */
import * as tf from '@tensorflow/tfjs'
import type { KernelEncoding } from './kernel-encoding'
import { kernelChannels, kernelLayers, quantizeLayer } from './quantize-model'
import type { WeightScheme } from './quantize-tensor'

/** The straight-through weight quantization of a model's kernels during training. */
export interface WeightShadow {
  /** After each optimiser step: apply the update to the float kernels, quantize them again. */
  step(): void
  /** Ends QAT: the final kernels quantized from the float ones (the model then holds their dequantized values). */
  finish(): Promise<Map<string, KernelEncoding>>
}

/** x̂ of a kernel seen as [rows, C]: int8 symmetric per channel or uint8 affine per tensor (tensor ops, half-even rounding). */
export function fakeQuantKernel(w: tf.Tensor, channels: number, scheme: Exclude<WeightScheme, 'float16'>): tf.Tensor {
  return tf.tidy(() => {
    if (scheme === 'int8') {
      const rows = tf.reshape(w, [-1, channels])
      const maxAbs = tf.max(tf.abs(rows), 0)
      const scale = tf.where(tf.greater(maxAbs, 0), tf.div(maxAbs, 127), tf.onesLike(maxAbs))
      return tf.reshape(tf.mul(tf.clipByValue(tf.round(tf.div(rows, scale)), -127, 127), scale), w.shape)
    }
    const lo = tf.minimum(tf.min(w), 0)
    const hi = tf.maximum(tf.max(w), 0)
    const range = tf.sub(hi, lo)
    const scale = tf.where(tf.greater(range, 0), tf.div(range, 255), tf.onesLike(range))
    const zero = tf.clipByValue(tf.round(tf.div(tf.neg(lo), scale)), 0, 255)
    return tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(w, scale)), zero), 0, 255), zero), scale)
  })
}

/** Starts QAT on `model`: its kernels are quantized now, the float values kept aside. */
export function shadowWeights(model: tf.LayersModel, scheme: WeightScheme): WeightShadow {
  if (scheme === 'float16') throw new Error('quantization-aware training needs an integer scheme (int8 or uint8): float16 loses too little to train back')
  const layers = kernelLayers(model)
  const master = layers.map((l) => tf.variable(l.weights[0].read().clone(), false))
  const current = layers.map((l, i) => tf.variable(fakeQuantKernel(master[i], kernelChannels(l), scheme), false))
  layers.forEach((l, i) => l.weights[0].write(current[i]))
  return {
    step() {
      tf.tidy(() => {
        layers.forEach((l, i) => {
          master[i].assign(tf.add(master[i], tf.sub(l.weights[0].read(), current[i])))
          current[i].assign(fakeQuantKernel(master[i], kernelChannels(l), scheme))
          l.weights[0].write(current[i])
        })
      })
    },
    async finish() {
      const out = new Map<string, KernelEncoding>()
      for (const [i, l] of layers.entries()) {
        l.weights[0].write(master[i])
        out.set(l.name, await quantizeLayer(l, scheme))
      }
      for (const v of [...master, ...current]) v.dispose()
      return out
    },
  }
}
