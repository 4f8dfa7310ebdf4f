/**
 * The types of the dependency groups (see structure.ts): groups, their owners, consumers and
 * members, and a model's pruning structure.
 */
import type { ChannelTrace } from './channel-trace'
import type { LayerGraph } from './layer-graph'

/** A layer whose output channels are copies of a group's channels with weights of their own: what criteria score. */
export interface ScoredLayer {
  name: string
  className: string
  /** The layer's output width (all its channels, of this group or not). */
  units: number
  /** The layer after which its feature map is read: itself or the last element-wise layer following it alone. */
  featureMap: string
  /** The first BatchNormalization among those element-wise followers, if any (network slimming). */
  batchNorm: string | null
}

/** An owner of a group's channels: for each unit of the group, the positions of its output that carry it. */
export interface GroupOwner extends ScoredLayer {
  positions: number[][]
}

/** A layer reading a group's channels on its input axis (the "l + 1" layers): rows per unit. */
export interface GroupConsumer {
  layer: string
  className: string
  rows: number[][]
}

/** How a layer takes part in a group. */
export type MemberRole = 'producer' | 'depthwise' | 'batch-norm' | 'consumer' | 'coupling'

/** One layer of a group, as the report lists it. */
export interface GroupMember {
  layer: string
  className: string
  role: MemberRole
}

/** One dependency group: `units` sets of coupled channels, removed from every member at once. */
export interface PruneGroup {
  /** The group's name: its first layer that makes channels. */
  name: string
  /** Class of that layer (Dense, Conv2D…). */
  className: string
  units: number
  /** Layers that make the group's channels (their width changes with it). */
  producers: string[]
  owners: GroupOwner[]
  consumers: GroupConsumer[]
  members: GroupMember[]
  /** Unit k's channel id in the trace. */
  roots: number[]
}

/** The pruning structure of a model. */
export interface PruneStructure {
  graph: LayerGraph
  trace: ChannelTrace
  /** The dependency groups, in graph order. */
  prunable: PruneGroup[]
  /** Layers that make channels but cannot lose any, with the reason. */
  fixed: Array<{ name: string; reason: string }>
}
