/**
 * "How to cut each layer kind" (CONVENTIONS: Torch-Pruning's split of what / how / which / when):
 * one `LayerKind` per family of layer classes, looked up by class name in `registry.ts`. A kind
 * says how channels flow through the layer (`trace`: the origin of every output channel, and which
 * channels it couples), which of its weights lose entries when channels go (`cut`), and which config
 * field holds its width. Declarative and TensorFlow-free, so the launch-time checks can ask which
 * layer classes pruning knows without loading TF.js.
 */

/** Channel id of the model's output (and everything coupled to it): never removable. */
export const FIXED_OUTPUT = 0
/** Channel id of the model's input (and everything coupled to it): never removable. */
export const FIXED_INPUT = 1

/** One layer of the graph as a kind sees it while tracing. */
export interface TraceNode {
  name: string
  className: string
  /** The layer's config as `toJSON` writes it (snake_case keys). */
  config: Record<string, unknown>
  /** Output shape without the batch dimension (-1 where unknown). */
  outputShape: number[]
}

/** What a kind gets while the graph is traced. */
export interface TraceStep {
  node: TraceNode
  /** The channel ids along the last axis of each input, in call order. */
  inputs: Int32Array[]
  /** The shapes of the inputs (no batch dimension). */
  inputShapes: number[][]
  /** `width` new channel ids (a layer that makes new channels: Dense, Conv2D). */
  fresh(width: number): Int32Array
  /** Channels `a` and `b` must be removed together (summed, multiplied, stacked on one index). */
  couple(a: number, b: number): void
  /** Refuses the layer: `layer 'x' (Class) <why>`. */
  fail(why: string): never
}

/** Which entries of a weight tensor go when channels go: on `axis`, the layer's input or output positions. */
export interface WeightCut {
  axis: number
  by: 'input' | 'output'
}

/** How one family of layer classes carries, couples and loses channels. */
export interface LayerKind {
  /** The TF.js class names this kind handles. */
  classes: readonly string[]
  /** A config this kind cannot prune (data format, axis…), said in words; null when fine. */
  check?(node: TraceNode, rank: number): string | null
  /** The channel id of every output channel (last axis). */
  trace(step: TraceStep): Int32Array
  /** The cuts of weight `index` (of rank `rank`); none when absent (a layer without weights). */
  cut?(index: number, rank: number): WeightCut[]
  /** The config field holding the layer's output width, for layers that make new channels. */
  widthKey?: 'units' | 'filters'
  /**
   * Its output channels are a copy of the group's channels with weights of their own (Dense,
   * Conv2D, DepthwiseConv2D): importance criteria score these layers, and a group's score
   * aggregates theirs.
   */
  owner?: boolean
  /** The weight index of the kernel the weight criteria read (default 0). */
  kernelIndex?: number
  /** Applied per element: a layer's feature map may be read after it (BatchNormalization, ReLU…). */
  elementwise?: boolean | ((node: TraceNode) => boolean)
}

/** A copy of the first input's channel ids (layers that keep channels as they are). */
export function sameChannels(step: TraceStep): Int32Array {
  return step.inputs[0].slice()
}

/** `ids` repeated `times` times one after another ([a, b] twice → [a, b, a, b]). */
export function tiled(ids: Int32Array, times: number): Int32Array {
  const out = new Int32Array(ids.length * times)
  for (let k = 0; k < times; k++) out.set(ids, k * ids.length)
  return out
}

/** The channels-last data format check shared by convolutions and pooling. */
export function channelsLast(node: TraceNode): string | null {
  const format = node.config.data_format
  if (format === undefined || format === null || format === 'channels_last') return null
  return `data_format '${String(format)}' is not supported by pruning (channels_last only)`
}

/** The axis a config names (`axis`, default -1) as a positive index into a tensor of `rank`. */
export function configAxis(node: TraceNode, rank: number): number {
  const raw = Number(node.config.axis ?? -1)
  return raw < 0 ? rank + raw : raw
}
