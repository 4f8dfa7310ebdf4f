/**
 * How pruning methods rank dependency groups (METHODS G1; Torch-Pruning's `group_reduction`,
 * `global_pruning`, `max_pruning_ratio`): the fields every ranking-based pruning method shares.
 */
import { z } from 'zod'

/** How a group's unit score aggregates its layers' layer-normalised scores. */
export const groupReductionField = z
  .enum(['sum', 'mean', 'max'])
  .default('sum')
  .describe("How a dependency group's unit score aggregates its layers' layer-normalised scores: sum, mean or max.")

/** The group-ranking fields of method `prune`. */
export const groupRankingFields = {
  /** Aggregate of a group's layers' scores (each normalised within its layer): sum (default), mean or max. */
  groupReduction: groupReductionField,
  /**
   * `global`: rank every group's units together (after the per-layer normalisation); `layer`: each
   * step removes from every group in proportion to its width.
   */
  ranking: z.enum(['global', 'layer']).default('global').describe('global: rank every group\'s units together; layer: each step removes from every group in proportion to its width.'),
  /** No group loses more than this fraction of its parent's units (1 = only minUnits limits it). */
  maxRatioPerLayer: z.number().gt(0).max(1).default(1).describe("No group loses more than this fraction of its parent's units (1 = only minUnits limits it)."),
}
