import { z } from 'zod'
import { parentField } from '../schema-sources'

/** Network slimming (Liu et al. 2017): L1 on BN scales, prune channels with small |γ|. */
export const slimmingMethodSchema = z
  .object({
    kind: z.literal('slimming').describe('Network slimming (Liu et al. 2017): L1 on BN scales, prune channels with small |γ|.'),
    parent: parentField,
    lambda: z.number().min(0).max(10).default(1e-4).describe('λ of the L1 penalty on the batch-norm scales γ.'),
    sparsityEpochs: z.number().int().min(0).max(1000).default(3).describe('Epochs of training with the L1 penalty.'),
    ratio: z.number().gt(0).lt(1).default(0.5).describe('Global fraction of channels removed by |γ| percentile.'),
    finalEpochs: z.number().int().min(0).max(1000).default(2).describe('Fine-tuning epochs after the channels are removed.'),
  })
  .strict()
