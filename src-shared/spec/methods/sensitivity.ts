import { z } from 'zod'
import { parentField } from '../schema-sources'
import { groupReductionField } from './groups'
import { PRUNE_CRITERIA } from './prune'

/** Sensitivity analysis: each dependency group alone at each ratio, evaluated without fine-tuning. */
export const sensitivityMethodSchema = z
  .object({
    kind: z.literal('sensitivity').describe('Sensitivity analysis: each prunable layer alone at each ratio, evaluated without fine-tuning.'),
    parent: parentField,
    criterion: z.enum(PRUNE_CRITERIA).default('l1').describe('How units are ranked in each layer.'),
    groupReduction: groupReductionField,
    ratios: z.array(z.number().gt(0).lt(1)).min(1).max(50).default([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]).describe('Fractions of each layer removed, one evaluation each.'),
  })
  .strict()
