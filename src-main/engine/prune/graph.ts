/**
 * The layer graph of a `tf.LayersModel`, read from its topology JSON (`model.toJSON(null, false)`)
 * and its live layers (output shapes). Sequential and functional models are normalised to one
 * form, so structure analysis, surgery and the layer-by-layer forward pass share one walk.
 */
import type * as tf from '@tensorflow/tfjs'
import { layerGraph, type GraphNode, type LayerGraph } from './layer-graph'

export { layerGraph } from './layer-graph'
export type { GraphNode, LayerGraph } from './layer-graph'

/** The topology JSON as `toJSON(null, false)` returns it. */
export interface TopologyJson {
  class_name: string
  config: {
    name?: string
    layers: LayerJson[]
    input_layers?: unknown
    output_layers?: Array<[string, number, number]>
  }
  [key: string]: unknown
}

/** One layer entry of the topology JSON. */
export interface LayerJson {
  class_name: string
  name?: string
  config: Record<string, unknown>
  inbound_nodes?: Array<Array<[string, number, number, unknown]>>
}

/** Deep copy of the model's topology JSON (safe to edit). */
export function topologyOf(model: tf.LayersModel): TopologyJson {
  const json = model.toJSON(null, false) as unknown as TopologyJson
  return JSON.parse(JSON.stringify(json)) as TopologyJson
}

/** Name of a layer entry in the topology JSON. */
export function layerJsonName(entry: LayerJson): string {
  return entry.name ?? String(entry.config.name)
}

function shapeWithoutBatch(layer: tf.layers.Layer): number[] {
  const shape = layer.outputShape
  if (Array.isArray(shape[0])) {
    throw new Error(
      `layer '${layer.name}' (${layer.getClassName()}) has several outputs; pruning supports single-output layers`,
    )
  }
  return (shape as (number | null)[]).slice(1).map((d) => (d === null ? -1 : d))
}

/** Builds the graph of a Sequential or functional model. */
export function buildLayerGraph(model: tf.LayersModel): LayerGraph {
  const topo = topologyOf(model)
  const nodes: GraphNode[] = []
  const live = new Map(model.layers.map((l) => [l.name, l]))
  let outputs: string[]
  let kind: LayerGraph['kind']
  if (topo.class_name === 'Sequential') {
    kind = 'sequential'
    let previous: string | null = null
    for (const entry of topo.config.layers) {
      const name = layerJsonName(entry)
      const layer = live.get(name)
      if (layer === undefined)
        throw new Error(`layer '${name}' of the topology is missing from the model`)
      nodes.push({
        name,
        className: entry.class_name,
        inputs: previous === null ? [] : [previous],
        config: entry.config,
        outputShape: shapeWithoutBatch(layer),
      })
      previous = name
    }
    outputs = previous === null ? [] : [previous]
  } else {
    // Functional graph (class 'Model'/'Functional'): inbound_nodes name each input layer.
    kind = 'functional'
    for (const entry of topo.config.layers) {
      const name = layerJsonName(entry)
      const layer = live.get(name)
      if (layer === undefined)
        throw new Error(`layer '${name}' of the topology is missing from the model`)
      const inbound = entry.inbound_nodes ?? []
      if (inbound.length > 1) {
        throw new Error(
          `layer '${name}' (${entry.class_name}) is shared (called ${inbound.length} times); pruning needs each layer called once`,
        )
      }
      const inputs = (inbound[0] ?? []).map(([from, , tensorIndex]) => {
        if (tensorIndex !== 0)
          throw new Error(
            `layer '${name}' reads output ${tensorIndex} of '${from}'; pruning supports single-output layers`,
          )
        return from
      })
      nodes.push({
        name,
        className: entry.class_name,
        inputs,
        config: entry.config,
        outputShape: shapeWithoutBatch(layer),
      })
    }
    outputs = (topo.config.output_layers ?? []).map(([n]) => n)
  }
  const input = model.inputs[0]?.shape
  const inputShape = input === undefined ? undefined : input.slice(1).map((d) => (d === null ? -1 : d))
  return layerGraph(kind, nodes, outputs, inputShape)
}
