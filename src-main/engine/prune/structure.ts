/**
 * What must be cut together: the dependency groups of a model (DepGraph, Fang et al. CVPR 2023;
 * METHODS G1). Channels are traced through the graph (`channel-trace.ts`); every set of channels
 * that must go together — the outputs summed by an Add, a depthwise convolution's channels and its
 * input's, the slices of a Concatenate, a BatchNormalization's vectors, the dense rows a Flatten
 * derives from a channel, space-to-depth's stacked copies — is one unit of one group. A group is
 * named after its first layer that makes channels (Dense, Conv2D); a chain without couplings has
 * one group per layer, its units being the layer's units.
 */
import type * as tf from '@tensorflow/tfjs'
import { traceChannels } from './channel-trace'
import { buildLayerGraph } from './graph'
import type { PruneGroup, PruneStructure } from './group-types'
import { groupsOf } from './groups'

export { supportedLayerClasses } from './layer-kinds/registry'
export { featureMapOf } from './groups'
export type {
  GroupConsumer,
  GroupMember,
  GroupOwner,
  MemberRole,
  PruneGroup,
  PruneStructure,
  ScoredLayer,
} from './group-types'

/** Analyses a model into dependency groups; throws on a layer kind pruning does not know, naming it. */
export function analyzeStructure(model: tf.LayersModel): PruneStructure {
  const graph = buildLayerGraph(model)
  const trace = traceChannels(graph)
  return { graph, trace, ...groupsOf(graph, trace) }
}

/** The group a name picks: the group's name or any layer making its channels; undefined when none. */
export function findGroup(structure: PruneStructure, name: string): PruneGroup | undefined {
  return structure.prunable.find((g) => g.name === name) ?? structure.prunable.find((g) => g.producers.includes(name))
}

/** Why a name is not a group, in words. */
export function notAGroup(structure: PruneStructure, name: string): string {
  const fixed = structure.fixed.find((f) => f.name === name)
  if (fixed !== undefined) return `layer '${name}' cannot be pruned: ${fixed.reason}`
  const node = structure.graph.byName.get(name)
  if (node !== undefined) {
    return `layer '${name}' (${node.className}) cannot be pruned: only the channels of Dense and Conv2D layers (and the groups they form) can`
  }
  return `unknown layer '${name}'`
}

/** The group of that name (or of a layer making its channels), or an error naming what is wrong. */
export function prunableLayer(structure: PruneStructure, name: string): PruneGroup {
  const found = findGroup(structure, name)
  if (found !== undefined) return found
  throw new Error(notAGroup(structure, name))
}

/** Every layer a group's channels flow through, for the report ("conv1, bn1, add1, …"). */
export function memberNames(group: PruneGroup): string[] {
  return group.members.map((m) => m.layer)
}
