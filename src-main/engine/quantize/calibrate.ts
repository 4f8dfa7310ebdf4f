/**
 * Static activation quantization (METHODS Q1; Krishnamoorthi 2018 §3.1, Wu et al. 2020 §4.2): the
 * tensors that a kernel layer reads — the model input and each layer output feeding a Dense or
 * convolution — get a uint8 range from a calibration set run through the (weight-quantized) model:
 * min–max, or the p-th and (100 − p)-th percentiles of the values (clipping rare outliers).
 */
import * as tf from '@tensorflow/tfjs'
import { INPUT_KEY } from '../export/onnx/export-onnx'
import { KERNEL_LAYERS } from '../export/onnx/layers'
import { forwardLayers } from '../prune/forward'
import { buildLayerGraph } from '../prune/graph'
import { joinFloats } from '../train/join-floats'
import { fakeQuantValues } from './fake-quant'
import type { ActivationQuantization } from './kernel-encoding'
import { uint8Range } from './quantize-tensor'

/** How a range is read from the calibration values. */
export type Calibration = { method: 'minmax' } | { method: 'percentile'; percentile: number }

/** Layers folded into the kernel layer before them, whose output is the kernel's output in ONNX (QDQ patterns end after them). */
const FOLLOWERS: ReadonlySet<string> = new Set(['BatchNormalization', 'Activation', 'ReLU', 'LeakyReLU'])

/**
 * The tensors to quantize, as ONNX Runtime's QDQ kernels want them (a DequantizeLinear on every
 * input of a Conv or MatMul and a QuantizeLinear after it): what each kernel layer reads (the
 * model input as `INPUT_KEY`) and what it writes — after the BatchNormalization or activation
 * that follows it — unless that is the model's output (the logits stay float).
 */
export function activationPoints(model: tf.LayersModel): string[] {
  const graph = buildLayerGraph(model)
  const points = new Set<string>()
  for (const node of graph.nodes) {
    if (!KERNEL_LAYERS.has(node.className)) continue
    const inputs = node.inputs.length === 0 ? [INPUT_KEY] : node.inputs
    for (const i of inputs) points.add(graph.byName.get(i)?.className === 'InputLayer' ? INPUT_KEY : i)
    let out = node.name
    for (;;) {
      const readers = graph.consumers.get(out) ?? []
      const next = readers.length === 1 ? graph.byName.get(readers[0]) : undefined
      if (!next || !FOLLOWERS.has(next.className)) break
      out = next.name
    }
    if (!graph.outputs.includes(out)) points.add(out)
  }
  return [...points]
}

/** The value at fraction `f` of the sorted values (linear between neighbours). */
function quantile(sorted: Float32Array, f: number): number {
  const pos = f * (sorted.length - 1)
  const i = Math.floor(pos)
  return i + 1 < sorted.length ? sorted[i] + (sorted[i + 1] - sorted[i]) * (pos - i) : sorted[i]
}

/** The range of one tensor's calibration values. */
export function rangeOf(values: Float32Array, c: Calibration): ActivationQuantization {
  if (c.method === 'minmax') {
    let lo = Infinity
    let hi = -Infinity
    for (const v of values) {
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
    return uint8Range(lo, hi)
  }
  const sorted = Float32Array.from(values).sort()
  const p = c.percentile / 100
  return uint8Range(quantile(sorted, 1 - p), quantile(sorted, p))
}

/**
 * Calibrated ranges of `points` over the examples `x` (batches of `batchSize`), read through the
 * model in inference mode, each point's range taken with the points before it already quantized
 * (as the quantized model computes them).
 */
export async function calibrateActivations(model: tf.LayersModel, x: tf.Tensor, points: readonly string[], c: Calibration, batchSize = 64): Promise<Map<string, ActivationQuantization>> {
  const graph = buildLayerGraph(model)
  const ranges = new Map<string, ActivationQuantization>()
  const quantized = (name: string, y: tf.Tensor): tf.Tensor => {
    const q = ranges.get(name)
    return q ? fakeQuantValues(y, q) : y
  }
  const collect = async (name: string): Promise<Float32Array> => {
    const parts: Float32Array[] = []
    for (let start = 0; start < x.shape[0]; start += batchSize) {
      const out = tf.tidy(() => {
        const input = quantized(INPUT_KEY, tf.slice(x, start, Math.min(batchSize, x.shape[0] - start)))
        return name === INPUT_KEY ? input : (forwardLayers(model, graph, input, { transform: quantized, taps: [name] }).taps.get(name) as tf.Tensor)
      })
      parts.push((await out.data()) as Float32Array)
      out.dispose()
    }
    return joinFloats(parts)
  }
  // Topological order: each point sees the quantized values of the points before it.
  const order = [INPUT_KEY, ...graph.nodes.map((n) => n.name)].filter((n) => points.includes(n))
  for (const name of order) ranges.set(name, rangeOf(await collect(name), c))
  return ranges
}
