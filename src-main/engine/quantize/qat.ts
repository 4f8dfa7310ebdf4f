/**
 * Quantization-aware training of the weights (METHODS Q1; Jacob et al. 2018 §3, Krishnamoorthi
 * 2018 §3.2): the float kernels are kept as shadow ("master") weights, the model computes with
 * their quantized values, and each optimiser step's update — the gradient at the quantized
 * weights, passed straight through (every int8/uint8 scale covers the kernel's whole range, so
 * nothing is clipped) — is applied to the float kernels, which are quantized again for the next
 * step. After a step the layer holds Q(W) + Δ; the float kernel becomes W + Δ.
 */
import type * as tf from '@tensorflow/tfjs'
import type { KernelEncoding } from './kernel-encoding'
import { kernelChannels, kernelLayers, kernelValues, writeKernel } from './quantize-model'
import { dequantizeKernel, quantizeKernel, type WeightScheme } from './quantize-tensor'

/** The straight-through weight quantization of a model's kernels during training. */
export interface WeightShadow {
  /** After each optimiser step: apply the update to the float kernels, quantize them again. */
  step(): void
  /** The final kernels' encodings (the model holds their dequantized values). */
  encodings(): Map<string, KernelEncoding>
}

/** Starts QAT on `model`: its kernels are quantized now, the float values kept aside. */
export function shadowWeights(model: tf.LayersModel, scheme: WeightScheme): WeightShadow {
  const layers = kernelLayers(model)
  const master = new Map(layers.map((l) => [l.name, Float32Array.from(kernelValues(l))]))
  const current = new Map<string, { encoding: KernelEncoding; values: Float32Array }>()
  const quantize = (l: tf.layers.Layer): void => {
    const w = master.get(l.name) as Float32Array
    const encoding = quantizeKernel(w, kernelChannels(l), scheme)
    const values = dequantizeKernel(encoding, w)
    current.set(l.name, { encoding, values })
    writeKernel(l, values)
  }
  layers.forEach(quantize)
  return {
    step() {
      for (const l of layers) {
        const after = kernelValues(l)
        const before = (current.get(l.name) as { values: Float32Array }).values
        const w = master.get(l.name) as Float32Array
        for (let i = 0; i < w.length; i++) w[i] += after[i] - before[i]
        quantize(l)
      }
    },
    encodings: () => new Map([...current].map(([name, c]) => [name, c.encoding])),
  }
}
