/**
 * A model's kernels quantized and written back dequantized: the lab then computes with exactly the
 * values ONNX Runtime's DequantizeLinear produces, so its accuracy is the quantized model's. Also
 * the model's weight bytes as stored (kernels as encoded, every other weight — biases,
 * BatchNormalization — as float32), in total and per layer.
 */
import * as tf from '@tensorflow/tfjs'
import { KERNEL_LAYERS } from '../export/onnx/layers'
import { encodedKernelBytes, type KernelEncoding } from './kernel-encoding'
import { dequantizeKernel, quantizeKernel, type WeightScheme } from './quantize-tensor'

/** The layers whose kernels are quantized, in model order. */
export function kernelLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => KERNEL_LAYERS.has(l.getClassName()) && l.weights.length > 0)
}

/** Output channels of a kernel: its last axis (times the depthwise multiplier's input axis). */
export function kernelChannels(layer: tf.layers.Layer): number {
  const shape = layer.weights[0].shape as number[]
  return layer.getClassName() === 'DepthwiseConv2D' ? shape[2] * shape[3] : shape[shape.length - 1]
}

/** The current float values of a layer's kernel. */
export function kernelValues(layer: tf.layers.Layer): Float32Array {
  return layer.weights[0].read().dataSync() as Float32Array
}

/** Writes float values into a layer's kernel. */
export function writeKernel(layer: tf.layers.Layer, values: Float32Array): void {
  const w = layer.weights[0]
  const t = tf.tensor(values, w.shape as number[])
  w.write(t)
  t.dispose()
}

/** Quantizes one layer's kernel and writes it back dequantized; returns its encoding. */
export function quantizeLayer(layer: tf.layers.Layer, scheme: WeightScheme): KernelEncoding {
  const values = kernelValues(layer)
  const encoding = quantizeKernel(values, kernelChannels(layer), scheme)
  writeKernel(layer, dequantizeKernel(encoding, values))
  return encoding
}

/** Every kernel of `model` quantized by `scheme` (the model now holds the dequantized kernels). */
export function quantizeModelWeights(model: tf.LayersModel, scheme: WeightScheme): Map<string, KernelEncoding> {
  return new Map(kernelLayers(model).map((l) => [l.name, quantizeLayer(l, scheme)]))
}

/** Weight bytes as stored, per layer (layers without weights left out) and in total. */
export function weightBytes(model: tf.LayersModel, kernels: ReadonlyMap<string, KernelEncoding> = new Map()): { total: number; layers: Map<string, number> } {
  const layers = new Map<string, number>()
  let total = 0
  for (const layer of model.layers) {
    let bytes = 0
    layer.weights.forEach((w, i) => {
      const count = (w.shape as number[]).reduce((a, d) => a * d, 1)
      const encoding = i === 0 ? kernels.get(layer.name) : undefined
      bytes += encoding ? encodedKernelBytes(encoding, count) : 4 * count
    })
    if (bytes === 0) continue
    layers.set(layer.name, bytes)
    total += bytes
  }
  return { total, layers }
}
