import { z } from 'zod'
import { parentField } from '../schema-sources'

/** Network slimming (Liu et al. 2017): L1 on BN scales, prune channels with small |γ|. */
export const slimmingMethodSchema = z
  .object({
    kind: z.literal('slimming'),
    parent: parentField,
    lambda: z.number().min(0).max(10).default(1e-4),
    sparsityEpochs: z.number().int().min(0).max(1000).default(3),
    /** Global fraction of channels removed by |γ| percentile. */
    ratio: z.number().gt(0).lt(1).default(0.5),
    finalEpochs: z.number().int().min(0).max(1000).default(2),
  })
  .strict()
