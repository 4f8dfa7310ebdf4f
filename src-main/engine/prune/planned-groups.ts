/**
 * The dependency groups of a graph known before any model is built (a net plan, DESIGN §3's
 * launch-time checks): the same channel trace and grouping as the worker's, without TF.js, so
 * pruning targets, `method.layers` and `roundTo` are judged on groups at launch.
 */
import { traceChannels } from './channel-trace'
import type { LayerGraph } from './layer-graph'
import { groupsOf } from './groups'

/** A group as the launch-time checks see it: its name, units, and whether BatchNormalization scales every owner. */
export interface PlannedGroup {
  name: string
  units: number
  batchNorm: boolean
}

/** The groups of a planned graph; throws on a layer kind pruning does not know, naming it. */
export function plannedGroups(graph: LayerGraph): PlannedGroup[] {
  return groupsOf(graph, traceChannels(graph)).prunable.map((g) => ({
    name: g.name,
    units: g.units,
    batchNorm: g.owners.every((o) => o.batchNorm !== null),
  }))
}
