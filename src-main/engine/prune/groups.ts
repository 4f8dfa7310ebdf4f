/**
 * Builds the dependency groups from a channel trace (see structure.ts): the coupled sets of fresh
 * channels are a group's units; layers making channels of one coupled set share a group; then every
 * layer is asked where it carries (owners, BatchNormalization, couplings) or reads (consumers) each
 * unit.
 */
import type { ChannelTrace } from './channel-trace'
import type { GraphNode, LayerGraph } from './layer-graph'
import type { GroupMember, MemberRole, PruneGroup, PruneStructure } from './group-types'
import { isElementwise } from './layer-kinds/registry'
import { FIXED_INPUT, FIXED_OUTPUT } from './layer-kinds/types'

/** The feature map of a layer (after the element-wise layers that follow it alone) and its BN. */
export function featureMapOf(graph: LayerGraph, name: string): { featureMap: string; batchNorm: string | null } {
  const outputs = new Set(graph.outputs)
  let current = name
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

const COUPLING_CLASSES = new Set(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Flatten', 'SpaceToDepth'])

function fixedReason(root: number): string {
  return root === FIXED_OUTPUT
    ? 'its units are (or reach) the model output'
    : 'its channels are coupled with the model input (e.g. added to it)'
}

/** Groups of producer layers that share a coupled set of channels (a tiny union-find over names). */
function producerSets(trace: ChannelTrace): Map<string, string> {
  const parent = new Map<string, string>()
  const find = (a: string): string => {
    let r = a
    while (parent.get(r) !== r) r = parent.get(r) as string
    return r
  }
  const firstOf = new Map<number, string>()
  for (const [id, src] of trace.sources) {
    if (!parent.has(src.layer)) parent.set(src.layer, src.layer)
    const root = trace.root(id)
    if (root <= FIXED_INPUT) continue
    const first = firstOf.get(root)
    if (first === undefined) firstOf.set(root, src.layer)
    else {
      const [a, b] = [find(first), find(src.layer)]
      if (a !== b) parent.set(b, a)
    }
  }
  return new Map([...parent.keys()].map((k) => [k, find(k)]))
}

/** Positions of `ids` per unit of the groups: unit → positions, by group. */
function positionsByGroup(ids: Int32Array, trace: ChannelTrace, unitOf: Map<number, [PruneGroup, number]>): Map<PruneGroup, number[][]> {
  const out = new Map<PruneGroup, number[][]>()
  for (let p = 0; p < ids.length; p++) {
    const hit = unitOf.get(trace.root(ids[p]))
    if (hit === undefined) continue
    const [group, k] = hit
    let lists = out.get(group)
    if (lists === undefined) {
      lists = Array.from({ length: group.units }, () => [])
      out.set(group, lists)
    }
    lists[k].push(p)
  }
  return out
}

/** The groups and fixed layers of a traced graph. */
export function groupsOf(graph: LayerGraph, trace: ChannelTrace): Pick<PruneStructure, 'prunable' | 'fixed'> {
  const setOf = producerSets(trace)
  const byKey = new Map<string, PruneGroup>()
  const unitOf = new Map<number, [PruneGroup, number]>()
  const fixed: PruneStructure['fixed'] = []
  const fixedLayers = new Set<string>()
  for (const [id, src] of trace.sources) {
    const root = trace.root(id)
    if (root <= FIXED_INPUT) {
      if (!fixedLayers.has(src.layer)) fixed.push({ name: src.layer, reason: fixedReason(root) })
      fixedLayers.add(src.layer)
      continue
    }
    const key = setOf.get(src.layer) as string
    let group = byKey.get(key)
    if (group === undefined) {
      const node = graph.byName.get(src.layer) as GraphNode
      group = { name: src.layer, className: node.className, units: 0, producers: [], owners: [], consumers: [], members: [], roots: [] }
      byKey.set(key, group)
    }
    if (!group.producers.includes(src.layer)) group.producers.push(src.layer)
    if (!unitOf.has(root)) {
      unitOf.set(root, [group, group.units++])
      group.roots.push(root)
    }
  }
  // A producer with some fixed and some free channels is listed only in its group.
  const prunable = [...byKey.values()]
  const listed = new Set(prunable.flatMap((g) => g.producers))
  const member = (g: PruneGroup, node: GraphNode, role: MemberRole): void => {
    const m: GroupMember = { layer: node.name, className: node.className, role }
    if (!g.members.some((x) => x.layer === m.layer)) g.members.push(m)
  }
  for (const node of graph.nodes) {
    const kind = trace.kinds.get(node.name)
    const output = trace.origins.get(node.name) as Int32Array
    const carried = positionsByGroup(output, trace, unitOf)
    for (const [g, positions] of carried) {
      if (kind?.owner) {
        g.owners.push({ name: node.name, className: node.className, units: output.length, ...featureMapOf(graph, node.name), positions })
        member(g, node, kind.widthKey ? 'producer' : 'depthwise')
      } else if (node.className === 'BatchNormalization') member(g, node, 'batch-norm')
      else if (COUPLING_CLASSES.has(node.className)) member(g, node, 'coupling')
    }
    // Layers making new channels from their input read the group's channels on their input axis.
    if (kind?.widthKey && node.inputs.length === 1) {
      const input = trace.origins.get(node.inputs[0]) as Int32Array
      for (const [g, rows] of positionsByGroup(input, trace, unitOf)) {
        g.consumers.push({ layer: node.name, className: node.className, rows })
        member(g, node, 'consumer')
      }
    }
  }
  return { prunable, fixed: fixed.filter((f) => !listed.has(f.name)) }
}
