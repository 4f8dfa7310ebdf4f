import { z } from 'zod'
import { parentField } from '../schema-sources'
import { probability } from '../zod-common'

/** Singh et al., WACV 2019 (METHODS P3). */
export const singhMethodSchema = z
  .object({
    kind: z.literal('singh').describe('Multi-layer L1 pruning in phases (Singh et al., WACV 2019, METHODS P3).'),
    parent: parentField,
    l1: z.number().min(0).max(10).default(1e-4).describe('λ of the L1 sparsity-inducing term λ·Σ|w| over the pruned layers.'),
    sparsityEpochs: z.number().int().min(0).max(1000).default(3).describe('Epochs of sparsity-inducing training.'),
    tolerance: z.number().min(0).max(1).default(0.01).describe('Largest validation-accuracy drop accepted when choosing the global threshold.'),
    toleranceOn: z.enum(['zeroed', 'pruned']).default('zeroed').describe('What the tolerance is checked on: the model with the weights below the threshold zeroed (`zeroed`, METHODS P3 as written), or the model with the filters that threshold would remove taken out (`pruned`: safer when the cut-off removes filters that still carry the function).'),
    cutoff: probability.default(0.9).describe('A filter is removed when this fraction of its weights (or of its inputs in layer l+1) is zero.'),
    phases: z.array(z.array(z.string().min(1)).min(1)).optional().describe('Layer groups pruned in turn, each a list of layer names; default one phase per layer from the last.'),
    retrainEpochs: z.number().int().min(0).max(1000).default(2).describe('Epochs of retraining (original loss, no L1) after each phase.'),
    validationFraction: z.number().gt(0).lt(1).default(0.1).describe('Fraction of the training split held out to choose the threshold.'),
  })
  .strict()
