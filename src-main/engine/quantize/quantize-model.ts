/**
 * A model's kernels quantized and written back dequantized: the lab then computes with exactly the
 * values ONNX Runtime's DequantizeLinear produces, so its accuracy is the quantized model's. Also
 * the model's weight bytes as stored (kernels as encoded, every other weight — biases,
 * BatchNormalization — as float32), in total and per layer.
 */
import * as tf from '@tensorflow/tfjs'
import { KERNEL_LAYERS } from '../export/onnx/layers'
import { encodedKernelBytes, type KernelEncoding } from './kernel-encoding'
import { huffmanKernelBytes } from './huffman'
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

/** The current float values of a layer's kernel (read asynchronously, as webgpu under Node requires). */
export async function kernelValues(layer: tf.layers.Layer): Promise<Float32Array> {
  return (await layer.weights[0].read().data()) as Float32Array
}

/** Writes float values into a layer's kernel. */
export function writeKernel(layer: tf.layers.Layer, values: Float32Array): void {
  const w = layer.weights[0]
  const t = tf.tensor(values, w.shape as number[])
  w.write(t)
  t.dispose()
}

/** Quantizes one layer's kernel and writes it back dequantized; returns its encoding. */
export async function quantizeLayer(layer: tf.layers.Layer, scheme: WeightScheme): Promise<KernelEncoding> {
  const values = await kernelValues(layer)
  const encoding = quantizeKernel(values, kernelChannels(layer), scheme)
  writeKernel(layer, dequantizeKernel(encoding, values))
  return encoding
}

/** Every kernel of `model` quantized by `scheme` (the model now holds the dequantized kernels). */
export async function quantizeModelWeights(model: tf.LayersModel, scheme: WeightScheme): Promise<Map<string, KernelEncoding>> {
  const out = new Map<string, KernelEncoding>()
  for (const l of kernelLayers(model)) out.set(l.name, await quantizeLayer(l, scheme))
  return out
}

/**
 * Weight bytes as stored, per layer (layers without weights left out) and in total; with
 * `huffman`, each integer kernel's values Huffman-coded (Deep Compression's last step) instead.
 */
export function weightBytes(model: tf.LayersModel, kernels: ReadonlyMap<string, KernelEncoding> = new Map(), huffman = false): { total: number; layers: Map<string, number> } {
  const layers = new Map<string, number>()
  let total = 0
  for (const layer of model.layers) {
    let bytes = 0
    layer.weights.forEach((w, i) => {
      const count = (w.shape as number[]).reduce((a, d) => a * d, 1)
      const encoding = i === 0 ? kernels.get(layer.name) : undefined
      const coded = huffman && encoding ? huffmanKernelBytes(encoding) : null
      bytes += encoding ? encodedKernelBytes(encoding, count, coded ?? undefined) : 4 * count
    })
    if (bytes === 0) continue
    layers.set(layer.name, bytes)
    total += bytes
  }
  return { total, layers }
}
