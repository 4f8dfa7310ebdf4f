/** The per-group report of a pruning run (issue 16 item 8): its dependency groups before and after. */
import { z } from 'zod'

/** One layer of a dependency group, and how it takes part. */
export interface PruneGroupMember {
  layer: string
  /** TF.js layer class, e.g. `Conv2D`, `Add`. */
  kind: string
  role: 'producer' | 'depthwise' | 'batch-norm' | 'consumer' | 'coupling'
}

/** A dependency group of a pruning run: its members, channels before → after and its score. */
export interface PruneGroupReport {
  name: string
  members: PruneGroupMember[]
  unitsBefore: number
  unitsAfter: number
  /** The group's mean unit score at its last ranking (null when the method does not rank groups). */
  score: number | null
}

const id = z.number().int().positive()

export const groupInputs = {
  'runs.groups': z.object({ id }).strict(),
} as const

export interface GroupOutputs {
  'runs.groups': PruneGroupReport[]
}
