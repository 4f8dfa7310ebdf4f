import { z } from 'zod'
import { parentField } from '../schema-sources'
import { positiveInt } from '../zod-common'

/** Unstructured magnitude pruning under the AGP schedule (Zhu & Gupta 2017). */
export const magnitudeMethodSchema = z
  .object({
    kind: z.literal('magnitude'),
    parent: parentField,
    initialSparsity: z.number().min(0).lt(1).default(0),
    finalSparsity: z.number().gt(0).lt(1).default(0.9),
    /** Number of pruning steps n; one step every `frequency` minibatches (Δt). */
    steps: positiveInt.max(10_000).default(10),
    frequency: positiveInt.max(1_000_000).default(50),
    scope: z.enum(['global', 'layer']).default('global'),
    /** Fine-tuning epochs after the final step (masks kept). */
    finalEpochs: z.number().int().min(0).max(1000).default(1),
  })
  .strict()
