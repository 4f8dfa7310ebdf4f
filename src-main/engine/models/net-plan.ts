/**
 * The standard image networks (ResNet, VGG, MobileNetV2; `schema-nets.ts`) as a plan: a list of
 * named nodes, each a Keras layer with its inputs and output shape, and the parameters and MACs the
 * built model will have (counted as `layer-report.ts` counts them: conv kh·kw·c_in·c_out·h·w,
 * depthwise kh·kw·c·h·w, dense in·out; batch norm's four vectors are parameters). No TensorFlow
 * here, so the launch-time checks and the System page use it; `build-nets.ts` builds the graph.
 *
 * Every convolution pads 'same' and has no bias (a batch norm follows); names are stable and
 * readable (`stage2_block1_conv1`, `block5_depthwise`, `logits`) so pruning groups can name them.
 */
import type { NetModelSpec } from '../../../src-shared/spec/schema-nets'

export type NetOp =
  | { kind: 'conv2d'; filters: number; kernelSize: number; strides: number }
  | { kind: 'depthwiseConv2d'; kernelSize: number; strides: number }
  | { kind: 'batchNorm' }
  | { kind: 'relu'; maxValue?: number }
  | { kind: 'add' }
  | { kind: 'maxPool2d' }
  | { kind: 'globalAvgPool' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'dense'; units: number; activation: 'relu' | 'linear' }

export interface NetNode {
  name: string
  op: NetOp
  /** Names of the nodes it reads (`input` is the model input). */
  inputs: string[]
  /** Output shape without the batch dimension. */
  outputShape: number[]
  params: number
  macs: number
}

export interface NetPlan {
  /** A short name: `resnet-20`, `vgg-16 ×0.5`, `mobilenetv2 ×0.35`. */
  label: string
  nodes: NetNode[]
  params: number
  macs: number
  /** One line per problem (input not an image, a depth that is not 2·n·stages + 2); empty when buildable. */
  issues: string[]
}

/** Builds the node list, tracking shapes; each method returns the new node's name. */
class Graph {
  readonly nodes: NetNode[] = []
  private readonly shapes = new Map<string, number[]>()

  constructor(inputShape: readonly number[]) {
    this.shapes.set('input', [...inputShape])
  }

  shape(name: string): number[] {
    const s = this.shapes.get(name)
    if (!s) throw new Error(`net plan: no node named ${name}`)
    return s
  }

  private push(name: string, op: NetOp, inputs: string[], outputShape: number[], params = 0, macs = 0): string {
    if (this.shapes.has(name)) throw new Error(`net plan: two nodes named ${name}`)
    this.nodes.push({ name, op, inputs, outputShape, params, macs })
    this.shapes.set(name, outputShape)
    return name
  }

  conv(name: string, x: string, filters: number, kernelSize: number, strides = 1): string {
    const [h, w, c] = this.shape(x)
    const out = [Math.ceil(h / strides), Math.ceil(w / strides), filters]
    const params = kernelSize * kernelSize * c * filters
    return this.push(name, { kind: 'conv2d', filters, kernelSize, strides }, [x], out, params, params * out[0] * out[1])
  }

  depthwise(name: string, x: string, kernelSize: number, strides: number): string {
    const [h, w, c] = this.shape(x)
    const out = [Math.ceil(h / strides), Math.ceil(w / strides), c]
    const params = kernelSize * kernelSize * c
    return this.push(name, { kind: 'depthwiseConv2d', kernelSize, strides }, [x], out, params, params * out[0] * out[1])
  }

  batchNorm(name: string, x: string): string {
    const s = this.shape(x)
    return this.push(name, { kind: 'batchNorm' }, [x], s, 4 * s[s.length - 1])
  }

  relu(name: string, x: string, maxValue?: number): string {
    return this.push(name, maxValue === undefined ? { kind: 'relu' } : { kind: 'relu', maxValue }, [x], this.shape(x))
  }

  /** conv → batch norm → ReLU, named `<name>`, `<name>_bn`, `<name>_relu` unless names are given. */
  convBnRelu(names: [string, string, string], x: string, filters: number, kernelSize: number, strides = 1, maxValue?: number): string {
    return this.relu(names[2], this.batchNorm(names[1], this.conv(names[0], x, filters, kernelSize, strides)), maxValue)
  }

  add(name: string, a: string, b: string): string {
    return this.push(name, { kind: 'add' }, [a, b], this.shape(a))
  }

  maxPool(name: string, x: string): string {
    const [h, w, c] = this.shape(x)
    return this.push(name, { kind: 'maxPool2d' }, [x], [Math.ceil(h / 2), Math.ceil(w / 2), c])
  }

  globalAvgPool(name: string, x: string): string {
    const s = this.shape(x)
    return this.push(name, { kind: 'globalAvgPool' }, [x], [s[s.length - 1]])
  }

  dropout(name: string, x: string, rate: number): string {
    return rate > 0 ? this.push(name, { kind: 'dropout', rate }, [x], this.shape(x)) : x
  }

  dense(name: string, x: string, units: number, activation: 'relu' | 'linear'): string {
    const [n] = this.shape(x)
    return this.push(name, { kind: 'dense', units, activation }, [x], [units], n * units + units, n * units)
  }
}

const scaled = (width: number, multiplier: number): number => Math.max(1, Math.round(width * multiplier))

/** ResNet-(2·n·stages + 2) of He et al. 2016 §4.2, with 1×1 projection shortcuts where the shape changes. */
function resnet(g: Graph, spec: Extract<NetModelSpec, { arch: 'resnet' }>, issues: string[]): string {
  const stages = spec.widths.length
  const n = (spec.depth - 2) / (2 * stages)
  if (!Number.isInteger(n) || n < 1) {
    issues.push(
      `resnet depth ${spec.depth} with ${stages} stages is not 2·n·${stages} + 2 ` +
        `(e.g. ${[1, 3, 5, 9].map((k) => 2 * k * stages + 2).join(', ')})`,
    )
    return 'input'
  }
  let x = g.convBnRelu(['conv1', 'bn1', 'relu1'], 'input', spec.widths[0], 3)
  spec.widths.forEach((width, i) => {
    for (let j = 0; j < n; j++) {
      const p = `stage${i + 1}_block${j + 1}`
      const strides = i > 0 && j === 0 ? 2 : 1
      const h = g.convBnRelu([`${p}_conv1`, `${p}_bn1`, `${p}_relu1`], x, width, 3, strides)
      const y = g.batchNorm(`${p}_bn2`, g.conv(`${p}_conv2`, h, width, 3))
      const inChannels = g.shape(x)[2]
      const shortcut =
        strides !== 1 || inChannels !== width ? g.batchNorm(`${p}_shortcut_bn`, g.conv(`${p}_shortcut_conv`, x, width, 1, strides)) : x
      x = g.relu(`${p}_relu2`, g.add(`${p}_add`, y, shortcut))
    }
  })
  return g.globalAvgPool('pool', x)
}

const VGG_LAYERS: Record<11 | 16, (number | 'M')[]> = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
}

/** VGG-11/16 with batch norm (configurations A and D of Simonyan & Zisserman 2015), GAP, small head. */
function vgg(g: Graph, spec: Extract<NetModelSpec, { arch: 'vgg' }>): string {
  let x = 'input'
  let conv = 0
  let pool = 0
  for (const entry of VGG_LAYERS[spec.depth]) {
    if (entry === 'M') x = g.maxPool(`pool${++pool}`, x)
    else {
      const k = ++conv
      x = g.convBnRelu([`conv${k}`, `bn${k}`, `relu${k}`], x, scaled(entry, spec.widthMultiplier), 3)
    }
  }
  x = g.globalAvgPool('gap', x)
  spec.head.forEach((units, i) => {
    x = g.dropout(`fc${i + 1}_dropout`, g.dense(`fc${i + 1}`, x, scaled(units, spec.widthMultiplier), 'relu'), spec.dropout)
  })
  return x
}

/** Keras's `_make_divisible`: the nearest multiple of 8, never more than 10 % below. */
function divisible(v: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((v + divisor / 2) / divisor) * divisor)
  return rounded < 0.9 * v ? rounded + divisor : rounded
}

/** MobileNetV2 (Sandler et al. 2018, Table 2) with the CIFAR strides (the stem's: `stemStride`); ReLU6, linear bottlenecks. */
function mobilenetv2(g: Graph, spec: Extract<NetModelSpec, { arch: 'mobilenetv2' }>): string {
  const wm = spec.widthMultiplier
  const t = spec.expansion
  // [expansion, channels, repeats, stride of the first]
  const stages: [number, number, number, number][] = [
    [1, 16, 1, 1],
    [t, 24, 2, 1],
    [t, 32, 3, 2],
    [t, 64, 4, 2],
    [t, 96, 3, 1],
    [t, 160, 3, 2],
    [t, 320, 1, 1],
  ]
  let x = g.convBnRelu(['conv1', 'bn1', 'relu1'], 'input', divisible(32 * wm), 3, spec.stemStride ?? 1, 6)
  let k = 0
  for (const [expansion, channels, repeats, stride] of stages) {
    const out = divisible(Math.floor(channels * wm))
    for (let r = 0; r < repeats; r++) {
      const p = `block${++k}`
      const strides = r === 0 ? stride : 1
      const inChannels = g.shape(x)[2]
      let h = x
      if (expansion !== 1) h = g.convBnRelu([`${p}_expand`, `${p}_expand_bn`, `${p}_expand_relu`], h, inChannels * expansion, 1, 1, 6)
      h = g.relu(`${p}_depthwise_relu`, g.batchNorm(`${p}_depthwise_bn`, g.depthwise(`${p}_depthwise`, h, 3, strides)), 6)
      h = g.batchNorm(`${p}_project_bn`, g.conv(`${p}_project`, h, out, 1))
      x = strides === 1 && inChannels === out ? g.add(`${p}_add`, x, h) : h
    }
  }
  const last = wm > 1 ? divisible(spec.lastChannels * wm) : spec.lastChannels
  x = g.convBnRelu(['conv_last', 'conv_last_bn', 'conv_last_relu'], x, last, 1, 1, 6)
  return g.dropout('dropout', g.globalAvgPool('pool', x), spec.dropout)
}

const times = (m: number): string => (m === 1 ? '' : ` ×${m}`)

/** The label a net is shown by: `resnet-20`, `vgg-16 ×0.5`, `mobilenetv2 ×0.35`. */
export function netLabel(spec: NetModelSpec): string {
  if (spec.arch === 'resnet') return `resnet-${spec.depth}${spec.widths.join(',') === '16,32,64' ? '' : ` [${spec.widths.join(', ')}]`}`
  if (spec.arch === 'vgg') return `vgg-${spec.depth}${times(spec.widthMultiplier)}`
  return `mobilenetv2${times(spec.widthMultiplier)}${spec.expansion === 6 ? '' : ` t=${spec.expansion}`}${(spec.stemStride ?? 1) === 1 ? '' : ` stem/${spec.stemStride}`}`
}

/** The plan of a net for images of `inputShape` [h, w, c] and `numClasses` logits. */
export function planNet(spec: NetModelSpec, inputShape: readonly number[], numClasses: number): NetPlan {
  const label = netLabel(spec)
  const issues: string[] = []
  const g = new Graph(inputShape)
  if (inputShape.length !== 3) {
    issues.push(`${label} needs image inputs [height, width, channels] but the dataset gives [${inputShape.join(', ')}]`)
  } else {
    const features = spec.arch === 'resnet' ? resnet(g, spec, issues) : spec.arch === 'vgg' ? vgg(g, spec) : mobilenetv2(g, spec)
    if (!issues.length) g.dense('logits', features, numClasses, 'linear')
  }
  const nodes = issues.length ? [] : g.nodes
  return {
    label,
    nodes,
    params: nodes.reduce((a, n) => a + n.params, 0),
    macs: nodes.reduce((a, n) => a + n.macs, 0),
    issues,
  }
}
