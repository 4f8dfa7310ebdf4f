/**
 * What one layer's ONNX exporter receives and returns. Values carry their layout: the model's
 * input and everything after a Dense or Flatten are in TF.js order (`tf`); convolutions and
 * pooling run on NCHW, so 4-D values after them are `nchw`, and a transpose is inserted only where
 * a layer needs the other order (Flatten, Dense on a feature map, the model's output), once per
 * value.
 */
import type * as tf from '@tensorflow/tfjs'
import type { GraphNode } from '../../prune/graph'
import type { FoldedBatchNorm } from '../../models/batch-norm-fold'
import type { KernelEncoding } from '../../quantize/kernel-encoding'
import type { AttrValue, OnnxGraphBuilder } from './graph-builder'

/** A tensor of the exported graph. */
export interface OnnxValue {
  name: string
  layout: 'tf' | 'nchw'
  /** The TF.js shape without the batch dimension (NHWC order whatever the layout). */
  shape: number[]
}

export type { FoldedBatchNorm } from '../../models/batch-norm-fold'

/** One layer to export. */
export interface LayerExportContext {
  g: OnnxGraphBuilder
  node: GraphNode
  layer: tf.layers.Layer
  inputs: OnnxValue[]
  /** `v` in NCHW order (4-D values only). */
  nchw(v: OnnxValue): string
  /** `v` in TF.js order. */
  tfOrder(v: OnnxValue): string
  /** The layer's weight values, in `layer.weights` order (read before the export: no synchronous reads). */
  values: Float32Array[]
  /** How the layer's kernel is stored (float32 unless quantized). */
  encoding: KernelEncoding
  /** The BatchNormalization folded into this layer, if any. */
  folded: FoldedBatchNorm | null
  /** True when this BatchNormalization was folded into the layer before it. */
  isFolded: boolean
}

/** Exports one layer kind; returns the layer's output. */
export type LayerExporter = (c: LayerExportContext) => OnnxValue

/** A node on `c`'s graph named after the layer. */
export function layerNode(c: LayerExportContext, op: string, inputs: readonly string[], attrs?: Record<string, AttrValue>, suffix = op.toLowerCase()): string {
  return c.g.node(op, inputs, { name: `${c.node.name}/${suffix}`, ...(attrs ? { attrs } : {}) })
}

/** The layer's output as a value. */
export const valueOf = (c: LayerExportContext, name: string, layout: OnnxValue['layout']): OnnxValue => ({ name, layout, shape: c.node.outputShape })

/** The config entry `key` of a layer, or an error naming the layer when it is missing. */
export function configOf<T>(c: LayerExportContext, key: string): T {
  const v = c.node.config[key]
  if (v === undefined) throw new Error(`ONNX export: layer '${c.node.name}' (${c.node.className}) has no '${key}' in its config`)
  return v as T
}

/** A pair from a config entry that may be one number or two. */
export const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v])

/**
 * ONNX `pads` [top, left, bottom, right] for TF's `same` (the extra pixel after, as TF puts it) or
 * `valid` padding, from the input size, kernel, stride and dilation.
 */
export function padsFor(padding: string, size: readonly number[], kernel: readonly number[], strides: readonly number[], dilations: readonly number[] = [1, 1]): number[] {
  if (padding === 'valid') return [0, 0, 0, 0]
  if (padding !== 'same') throw new Error(`ONNX export: padding '${padding}' is not supported (same or valid)`)
  const before: number[] = []
  const after: number[] = []
  for (let i = 0; i < 2; i++) {
    const k = (kernel[i] - 1) * dilations[i] + 1
    const out = Math.ceil(size[i] / strides[i])
    const total = Math.max((out - 1) * strides[i] + k - size[i], 0)
    before.push(Math.floor(total / 2))
    after.push(total - Math.floor(total / 2))
  }
  return [...before, ...after]
}
