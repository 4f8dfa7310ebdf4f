import { z } from 'zod'
import { parentField } from '../schema-sources'
import { positiveInt } from '../zod-common'

/** Unstructured magnitude pruning under the AGP schedule (Zhu & Gupta 2017). */
export const magnitudeMethodSchema = z
  .object({
    kind: z.literal('magnitude').describe('Unstructured magnitude pruning under the AGP schedule (Zhu & Gupta 2017).'),
    parent: parentField,
    initialSparsity: z.number().min(0).lt(1).default(0).describe('Sparsity s_i at the first step (AGP).'),
    finalSparsity: z.number().gt(0).lt(1).default(0.9).describe('Sparsity s_f reached at the last step (AGP).'),
    steps: positiveInt.max(10_000).default(10).describe('Number of pruning steps n; one step every `frequency` minibatches (Δt).'),
    frequency: positiveInt.max(1_000_000).default(50).describe('Δt: minibatches between pruning steps.'),
    scope: z.enum(['global', 'layer']).default('global').describe('global: one threshold over all layers; layer: each layer to the same sparsity.'),
    finalEpochs: z.number().int().min(0).max(1000).default(1).describe('Fine-tuning epochs after the final step (masks kept).'),
  })
  .strict()
