/**
 * What must be cut together (the "dependency groups" of Torch-Pruning): for every prunable layer
 * (Dense or Conv2D whose units do not reach the model's output) the layers that read its units —
 * BatchNormalization vectors, the input rows of the next Dense (through Flatten, channels-last
 * [h, w, c] order) and the input channels of the next Conv2D.
 *
 * The walk follows a unit's channel through the graph as an index map: unit j of the producer sits
 * at positions {p·stride + offset + j : p < positions} of the tensor being walked. Channel-
 * preserving layers keep the map, Flatten spreads it over the spatial positions, Concatenate on the
 * channel axis shifts the offset by the widths of the inputs before it. Functional graphs with
 * Concatenate are supported this way; layers that mix channels of different producers
 * element-wise (Add, Multiply…) would need coupled groups and are refused.
 */
import type * as tf from '@tensorflow/tfjs'
import { buildLayerGraph, type GraphNode, type LayerGraph } from './graph'

/** How a consumer layer reads a producer's units. */
export type ConsumerRole = 'batch-norm' | 'dense-input' | 'conv-input'

/** A layer that reads the units of a prunable layer, and where. */
export interface ChannelConsumer {
  layer: string
  className: string
  role: ConsumerRole
  /** Unit j of the producer is read at input indices p·stride + offset + j, p < positions. */
  offset: number
  stride: number
  positions: number
}

/** A Dense or Conv2D layer whose units may be removed. */
export interface PrunableLayer {
  name: string
  className: 'Dense' | 'Conv2D'
  units: number
  consumers: ChannelConsumer[]
  /**
   * The layer whose output is this layer's feature map: the layer itself, or the last of the
   * element-wise layers (BatchNormalization, activations, Dropout) that follow it alone.
   */
  featureMap: string
  /** The first BatchNormalization among those element-wise followers, if any (network slimming). */
  batchNorm: string | null
}

/** The pruning structure of a model. */
export interface PruneStructure {
  graph: LayerGraph
  prunable: PrunableLayer[]
  /** Dense/Conv2D layers that cannot be pruned, with the reason. */
  fixed: Array<{ name: string; reason: string }>
}

const KERNEL_LAYERS = new Set(['Dense', 'Conv2D'])
/** Layers applied per element, so a unit's map can be read after them (and zero stays removable). */
const ELEMENTWISE_LAYERS = new Set([
  'BatchNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Dropout',
])
/** Layers that keep the channel axis (each output channel depends on one input channel only). */
const SPATIAL_LAYERS = new Set([
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
])
const CHANNEL_LAYERS = new Set([...ELEMENTWISE_LAYERS, ...SPATIAL_LAYERS, 'Softmax'])
const SUPPORTED_LAYERS = new Set([
  ...KERNEL_LAYERS,
  ...CHANNEL_LAYERS,
  'InputLayer',
  'Flatten',
  'Concatenate',
  'SpaceToDepth',
])

/** The layer classes pruning understands. */
export function supportedLayerClasses(): string[] {
  return [...SUPPORTED_LAYERS].sort()
}

function assertSupported(node: GraphNode): void {
  const where = `layer '${node.name}' (${node.className})`
  if (!SUPPORTED_LAYERS.has(node.className)) throw new Error(`${where} is not supported by pruning`)
  const format = node.config.data_format
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new Error(
      `${where}: data_format '${String(format)}' is not supported by pruning (channels_last only)`,
    )
  }
  const rank = node.outputShape.length + 1
  if (node.className === 'BatchNormalization') {
    const axis = Number(node.config.axis ?? -1)
    if (axis !== -1 && axis !== rank - 1)
      throw new Error(`${where}: only axis -1 (channels last) is supported by pruning`)
  }
  if (node.className === 'Softmax') {
    // Softmax over the channel axis keeps the channels (removing one renormalises the others).
    const axis = Number(node.config.axis ?? -1)
    if (axis !== -1 && axis !== rank - 1)
      throw new Error(`${where}: only axis -1 is supported by pruning`)
  }
}

function isElementwise(node: GraphNode): boolean {
  if (!ELEMENTWISE_LAYERS.has(node.className)) return false
  return !(node.className === 'Activation' && node.config.activation === 'softmax')
}

function unitsOf(node: GraphNode): number {
  return node.outputShape[node.outputShape.length - 1]
}

interface ChannelMap {
  at: string
  offset: number
  stride: number
  positions: number
  flattened: boolean
}

interface Trace {
  consumers: ChannelConsumer[]
  reachesOutput: boolean
}

function traceConsumers(graph: LayerGraph, producer: GraphNode): Trace {
  const units = unitsOf(producer)
  const outputs = new Set(graph.outputs)
  const consumers: ChannelConsumer[] = []
  let reachesOutput = false
  const stack: ChannelMap[] = [
    { at: producer.name, offset: 0, stride: units, positions: 1, flattened: false },
  ]
  while (stack.length > 0) {
    const map = stack.pop() as ChannelMap
    if (outputs.has(map.at)) reachesOutput = true
    const atNode = graph.byName.get(map.at) as GraphNode
    const seen = new Set<string>()
    for (const name of graph.consumers.get(map.at) ?? []) {
      if (seen.has(name)) continue // one visit per consumer; each of its input slots is handled below
      seen.add(name)
      const node = graph.byName.get(name) as GraphNode
      const slots = node.inputs.flatMap((input, k) => (input === map.at ? [k] : []))
      for (const slot of slots) {
        const base = {
          layer: name,
          className: node.className,
          offset: map.offset,
          stride: map.stride,
          positions: map.positions,
        }
        if (node.className === 'Dense') {
          consumers.push({ ...base, role: 'dense-input' })
        } else if (node.className === 'Conv2D') {
          if (map.flattened)
            throw new Error(
              `layer '${name}' (Conv2D) reads a flattened tensor; not supported by pruning`,
            )
          consumers.push({ ...base, role: 'conv-input' })
        } else if (node.className === 'BatchNormalization') {
          consumers.push({ ...base, role: 'batch-norm' })
          stack.push({ ...map, at: name })
        } else if (CHANNEL_LAYERS.has(node.className)) {
          if (map.flattened && SPATIAL_LAYERS.has(node.className)) {
            throw new Error(
              `layer '${name}' (${node.className}) reads a flattened tensor; not supported by pruning`,
            )
          }
          stack.push({ ...map, at: name })
        } else if (node.className === 'SpaceToDepth') {
          // A channel permutation: input channel j (of C) lands at output channels k·C + j, k < b².
          if (map.flattened || map.positions !== 1) {
            throw new Error(
              `layer '${name}' (SpaceToDepth) reads a flattened or already stacked tensor; not supported by pruning`,
            )
          }
          const b = Number(node.config.block_size ?? node.config.blockSize)
          stack.push({ ...map, at: name, stride: unitsOf(atNode), positions: map.positions * b * b })
        } else if (node.className === 'Flatten') {
          const shape = atNode.outputShape
          if (!map.flattened && map.positions > 1) {
            throw new Error(
              `layer '${name}' (Flatten) reads a space-to-depth stacked tensor; not supported by pruning`,
            )
          }
          if (map.flattened || shape.length <= 1) {
            stack.push({ ...map, at: name })
          } else {
            if (shape.some((d) => d < 0)) {
              throw new Error(
                `layer '${name}' (Flatten) has an input of unknown size; pruning needs fixed spatial sizes`,
              )
            }
            // Channels-last flatten of [h, w, c]: element (p, c) lands at p·c_total + c.
            const positions = shape.slice(0, -1).reduce((a, b) => a * b, 1)
            stack.push({
              at: name,
              offset: map.offset,
              stride: shape[shape.length - 1],
              positions,
              flattened: true,
            })
          }
        } else if (node.className === 'Concatenate') {
          const rank = node.outputShape.length + 1
          const rawAxis = Number(node.config.axis ?? -1)
          const axis = rawAxis < 0 ? rank + rawAxis : rawAxis
          if (axis === rank - 1) {
            // Concatenate on the channel axis shifts this input's channels by the widths before it.
            let shift = 0
            for (let k = 0; k < slot; k++)
              shift += unitsOf(graph.byName.get(node.inputs[k]) as GraphNode)
            stack.push({ ...map, at: name, offset: map.offset + shift })
          } else if (!map.flattened && axis > 0) {
            stack.push({ ...map, at: name })
          } else {
            throw new Error(
              `layer '${name}' (Concatenate) on axis ${rawAxis} of a flattened tensor is not supported by pruning`,
            )
          }
        } else {
          throw new Error(`layer '${name}' (${node.className}) is not supported by pruning`)
        }
      }
    }
  }
  return { consumers, reachesOutput }
}

function featureMapOf(
  graph: LayerGraph,
  producer: GraphNode,
): { featureMap: string; batchNorm: string | null } {
  const outputs = new Set(graph.outputs)
  let current = producer.name
  let batchNorm: string | null = null
  for (;;) {
    const next = graph.consumers.get(current) ?? []
    if (next.length !== 1 || outputs.has(current)) break
    const node = graph.byName.get(next[0]) as GraphNode
    if (!isElementwise(node) || node.inputs.length !== 1) break
    if (node.className === 'BatchNormalization' && batchNorm === null) batchNorm = node.name
    current = node.name
  }
  return { featureMap: current, batchNorm }
}

/** Analyses a model into prunable layers and their consumers; throws on unsupported layers. */
export function analyzeStructure(model: tf.LayersModel): PruneStructure {
  const graph = buildLayerGraph(model)
  for (const node of graph.nodes) assertSupported(node)
  const prunable: PrunableLayer[] = []
  const fixed: PruneStructure['fixed'] = []
  for (const node of graph.nodes) {
    if (!KERNEL_LAYERS.has(node.className)) continue
    const trace = traceConsumers(graph, node)
    if (trace.reachesOutput) {
      fixed.push({ name: node.name, reason: 'its units are (or reach) the model output' })
      continue
    }
    if (trace.consumers.every((c) => c.role === 'batch-norm')) {
      fixed.push({ name: node.name, reason: 'no layer reads its units' })
      continue
    }
    prunable.push({
      name: node.name,
      className: node.className as PrunableLayer['className'],
      units: unitsOf(node),
      consumers: trace.consumers,
      ...featureMapOf(graph, node),
    })
  }
  return { graph, prunable, fixed }
}

/** The prunable layer of that name, or an error naming what is wrong. */
export function prunableLayer(structure: PruneStructure, name: string): PrunableLayer {
  const found = structure.prunable.find((p) => p.name === name)
  if (found !== undefined) return found
  const fixed = structure.fixed.find((f) => f.name === name)
  if (fixed !== undefined) throw new Error(`layer '${name}' cannot be pruned: ${fixed.reason}`)
  const node = structure.graph.byName.get(name)
  if (node !== undefined)
    throw new Error(
      `layer '${name}' (${node.className}) cannot be pruned: only Dense and Conv2D units can`,
    )
  throw new Error(`unknown layer '${name}'`)
}

/** Input indices of a consumer that carry unit `unit` of the producer. */
export function consumerIndices(consumer: ChannelConsumer, unit: number): number[] {
  const out: number[] = []
  for (let p = 0; p < consumer.positions; p++)
    out.push(p * consumer.stride + consumer.offset + unit)
  return out
}
