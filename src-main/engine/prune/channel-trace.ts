/**
 * Channel tracing: follows every channel through the layer graph (DepGraph's first step, METHODS
 * G1). Each layer that makes channels (Dense, Conv2D) gives them fresh ids; every other layer's
 * kind says where its output channels come from (the same ids, repeated, concatenated) and which
 * ids it couples (Add: channel i of every input). Coupled ids are joined in a union-find; ids joined
 * with the model's input or output are fixed. The result maps every layer's output to the ids
 * along its last axis, so any layer's weights can be cut by asking which of its positions carry a
 * removed channel.
 */
import type { GraphNode, LayerGraph } from './layer-graph'
import { layerKindOf, unsupportedLayerMessage } from './layer-kinds/registry'
import { FIXED_INPUT, FIXED_OUTPUT, type LayerKind, type TraceStep } from './layer-kinds/types'

/** Where a fresh channel id was made: output channel `index` of `layer`. */
export interface ChannelSource {
  layer: string
  index: number
}

/** The channels of a model's graph. */
export interface ChannelTrace {
  /** Channel ids along the last axis of each layer's output. */
  origins: Map<string, Int32Array>
  /** The kind of every layer. */
  kinds: Map<string, LayerKind>
  /** Fresh ids (≥ 2) and where they were made, in graph order. */
  sources: Map<number, ChannelSource>
  /** The representative of an id's coupled set. */
  root(id: number): number
}

class UnionFind {
  private parent: number[] = []
  add(): number {
    this.parent.push(this.parent.length)
    return this.parent.length - 1
  }
  find(a: number): number {
    let r = a
    while (this.parent[r] !== r) r = this.parent[r]
    while (this.parent[a] !== r) [this.parent[a], a] = [r, this.parent[a]]
    return r
  }
  /** Joins two sets; a fixed sentinel (0 or 1) stays the representative. */
  union(a: number, b: number): void {
    const ra = this.find(a)
    const rb = this.find(b)
    if (ra === rb) return
    if (rb <= FIXED_INPUT && ra > FIXED_INPUT) this.parent[ra] = rb
    else this.parent[rb] = ra
  }
}

const rankOf = (node: GraphNode): number => node.outputShape.length + 1

/** The kind of a node, or an error naming the layer and its class. */
function kindOf(node: GraphNode): LayerKind {
  const kind = layerKindOf(node.className)
  if (kind === undefined) throw new Error(unsupportedLayerMessage(node.name, node.className))
  const problem = kind.check?.(node, rankOf(node))
  if (problem) throw new Error(`layer '${node.name}' (${node.className}): ${problem}`)
  return kind
}

/** Traces every channel of the graph; throws on a layer kind pruning does not know. */
export function traceChannels(graph: LayerGraph): ChannelTrace {
  const uf = new UnionFind()
  uf.add() // FIXED_OUTPUT
  uf.add() // FIXED_INPUT
  const origins = new Map<string, Int32Array>()
  const kinds = new Map<string, LayerKind>()
  const sources = new Map<number, ChannelSource>()
  for (const node of graph.nodes) {
    const kind = kindOf(node)
    kinds.set(node.name, kind)
    const inputs = node.inputs.map((name) => origins.get(name) as Int32Array)
    const inputShapes = node.inputs.map((name) => (graph.byName.get(name) as GraphNode).outputShape)
    if (node.inputs.length === 0 && node.className !== 'InputLayer') {
      inputs.push(new Int32Array(inputWidth(graph, node)).fill(FIXED_INPUT))
      inputShapes.push(inputShapeOf(graph, node))
    }
    const step: TraceStep = {
      node,
      inputs,
      inputShapes,
      fresh: (width) => {
        const ids = new Int32Array(width)
        for (let i = 0; i < width; i++) {
          ids[i] = uf.add()
          sources.set(ids[i], { layer: node.name, index: i })
        }
        return ids
      },
      couple: (a, b) => uf.union(a, b),
      fail: (why) => {
        throw new Error(`layer '${node.name}' (${node.className}) ${why}`)
      },
    }
    origins.set(node.name, kind.trace(step))
  }
  for (const out of graph.outputs) for (const id of origins.get(out) ?? []) uf.union(FIXED_OUTPUT, id)
  return { origins, kinds, sources, root: (id) => uf.find(id) }
}

/** The input shape of a Sequential model's first layer (the model input, without an InputLayer node). */
function inputShapeOf(graph: LayerGraph, node: GraphNode): number[] {
  const shape = graph.inputShape
  if (shape === undefined) throw new Error(`layer '${node.name}' (${node.className}) reads an input of unknown shape`)
  return shape
}

function inputWidth(graph: LayerGraph, node: GraphNode): number {
  const shape = inputShapeOf(graph, node)
  return shape[shape.length - 1]
}
