/**
 * A model as a graph of layers in topological order, without TensorFlow: what `graph.ts` reads
 * from a built model, and what a net plan gives before any model exists (launch-time checks).
 */

/** One layer of the model as a graph node. */
export interface GraphNode {
  name: string
  className: string
  /** Names of the layers whose outputs feed this one, in call order; [] = the model's input. */
  inputs: string[]
  /** The layer's config as written by `toJSON` (snake_case keys). */
  config: Record<string, unknown>
  /** Output shape without the batch dimension. */
  outputShape: number[]
}

/** A model as a graph in topological order. */
export interface LayerGraph {
  kind: 'sequential' | 'functional'
  nodes: GraphNode[]
  /** Layers whose outputs are the model's outputs. */
  outputs: string[]
  /** Layers that read each layer's output (a layer appears once per input slot). */
  consumers: Map<string, string[]>
  byName: Map<string, GraphNode>
  /** The model input's shape without the batch dimension (-1 where unknown). */
  inputShape?: number[]
}

/** A graph from its nodes in topological order (also for graphs planned without TF.js). */
export function layerGraph(kind: LayerGraph['kind'], nodes: GraphNode[], outputs: string[], inputShape?: number[]): LayerGraph {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  const consumers = new Map<string, string[]>(nodes.map((n) => [n.name, []]))
  for (const n of nodes) for (const i of n.inputs) consumers.get(i)?.push(n.name)
  return { kind, nodes, outputs, consumers, byName, ...(inputShape ? { inputShape } : {}) }
}
