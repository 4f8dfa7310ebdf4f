/**
 * Per-layer parameters and multiply-accumulates of any tf.LayersModel (built here or imported), and
 * the totals. MACs count the conv and dense products of one example's forward pass; pooling,
 * activations and normalisation are not counted (they are not multiply-accumulates of weights).
 */
import type * as tf from '@tensorflow/tfjs'

export interface LayerStats {
  name: string
  /** Layer class in the spec's words: `dense`, `conv2d`, `maxPool2d`, … */
  kind: string
  /** Units or filters; null for layers without them. */
  units: number | null
  params: number
  macs: number
  /** Output shape without the batch dimension. */
  outputShape: number[]
}

export interface ModelStats {
  layers: LayerStats[]
  params: number
  macs: number
}

const KINDS: Record<string, string> = {
  Dense: 'dense',
  Conv2D: 'conv2d',
  DepthwiseConv2D: 'depthwiseConv2d',
  MaxPooling2D: 'maxPool2d',
  AveragePooling2D: 'avgPool2d',
  Flatten: 'flatten',
  Dropout: 'dropout',
  BatchNormalization: 'batchNorm',
  InputLayer: 'input',
}

const prod = (a: number[]): number => a.reduce((x, y) => x * y, 1)
const withoutBatch = (s: tf.Shape | tf.Shape[]): number[] =>
  ((Array.isArray(s[0]) ? s[0] : s) as (number | null)[]).slice(1).map((d) => d ?? 0)
const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1])] : [Number(v), Number(v)])

/** Params and MACs of each layer and in total. */
export function modelStats(model: tf.LayersModel): ModelStats {
  const layers: LayerStats[] = []
  for (const layer of model.layers) {
    const className = layer.getClassName()
    const kind = KINDS[className] ?? className.charAt(0).toLowerCase() + className.slice(1)
    if (kind === 'input') continue
    const config = layer.getConfig() as Record<string, unknown>
    const inbound = layer.input
    const input = withoutBatch(Array.isArray(inbound) ? inbound[0].shape : inbound.shape)
    const output = withoutBatch(layer.outputShape)
    let macs = 0
    let units: number | null = null
    if (kind === 'dense') {
      units = Number(config.units)
      macs = prod(input) * units
    } else if (kind === 'conv2d') {
      units = Number(config.filters)
      const [kh, kw] = pair(config.kernelSize)
      macs = output[0] * output[1] * kh * kw * input[2] * units
    } else if (kind === 'depthwiseConv2d') {
      const [kh, kw] = pair(config.kernelSize)
      macs = output[0] * output[1] * kh * kw * output[2]
    }
    layers.push({ name: layer.name, kind, units, params: layer.countParams(), macs, outputShape: output })
  }
  return {
    layers,
    params: layers.reduce((a, l) => a + l.params, 0),
    macs: layers.reduce((a, l) => a + l.macs, 0),
  }
}
