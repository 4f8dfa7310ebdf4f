/** Iterative structured pruning by a criterion (Molchanov 2017 and the classic criteria). */
import { z } from 'zod'
import { parentField } from '../schema-sources'
import { positiveInt, probability } from '../zod-common'
import { groupRankingFields } from './groups'

const pruneCriteria = ['taylor', 'l1', 'l2', 'mean-activation', 'apoz', 'random', 'bn-scale'] as const
export const PRUNE_CRITERIA = pruneCriteria

/** When iterative pruning stops: the first target reached. At least one must be set. */
const pruneTargetSchema = z
  .object({
    ratio: z.number().gt(0).lt(1).optional().describe('Fraction of the prunable units/filters to remove, in (0, 1).'),
    macs: z.number().gt(0).lt(1).optional().describe("Stop once the model has at most this fraction of the parent's MACs, in (0, 1)."),
    params: z.number().gt(0).lt(1).optional().describe("Stop once the model has at most this fraction of the parent's parameters, in (0, 1)."),
    accuracyFloor: probability.optional().describe('Stop before test accuracy after a step would fall below this.'),
    units: positiveInt.optional().describe('Stop after removing this many units/filters in total.'),
  })
  .strict()
  .refine((t) => Object.values(t).some((v) => v !== undefined), { message: 'set at least one of ratio, macs, params, units, accuracyFloor' })

export const pruneMethodSchema = z
  .object({
    kind: z.literal('prune').describe('Iterative structured pruning by a criterion (Molchanov 2017 and the classic criteria).'),
    parent: parentField,
    criterion: z.enum(pruneCriteria).default('taylor').describe('How units are ranked: Taylor (Molchanov 2017), weight norms, activations, APoZ, BN scale, random.'),
    target: pruneTargetSchema.describe('When pruning stops: the first target reached; at least one must be set.'),
    unitsPerStep: positiveInt.max(100_000).default(4).describe('Units/filters removed per step (Molchanov 2017 removes one filter at a time).'),
    fineTuneSteps: z.number().int().min(0).max(100_000).default(20).describe('Minibatch updates of fine-tuning between removal steps (paper: 10–30).'),
    finalEpochs: z.number().int().min(0).max(1000).default(2).describe('Epochs of fine-tuning after the last removal.'),
    flopsLambda: z.number().min(0).max(1).default(0).describe('Molchanov 2017 FLOPs regularisation λ (Θ ← Θ − λ·FLOPs_l); 0 turns it off, paper 1e-3.'),
    ...groupRankingFields,
    layers: z.array(z.string().min(1)).optional().describe('Restrict pruning to these layers (names as in the model report); default all prunable.'),
    minUnits: positiveInt.default(1).describe('Never leave a layer with fewer units.'),
    roundTo: z.union([positiveInt.max(1024), z.record(z.string().min(1), positiveInt.max(1024))]).default(1).describe("Keep each pruned layer's width a multiple of N (one N, or one per layer name; 1 = any width), like Torch-Pruning's round_to: kernels compute channels in tiles (XNNPACK on wasm: 8), so a width between two multiples costs as much as the next one up. A step may then remove more than unitsPerStep."),
    recover: z.enum(['finetune', 'distill']).default('finetune').describe('How the pruned model recovers: fine-tune on labels, or distil from the unpruned parent.'),
    temperature: z.number().positive().max(1000).optional().describe('Hinton T and α of the distillation from the parent; only with recover = distill, on classifiers (T = 4, α = 0.5 when left out). A detector distils with the Mehta–Ozturk loss, which has neither.'),
    alpha: probability.optional().describe('Hinton α of the distillation from the parent (weight of the soft targets); only with recover = distill.'),
  })
  .strict()
  .superRefine((m, ctx) => {
    // A field that does nothing is refused: a sweep over it would launch identical runs.
    if (m.ranking === 'layer' && m.roundTo !== 1) {
      ctx.addIssue({ code: 'custom', path: ['roundTo'], message: "roundTo applies to ranking 'global' (a per-layer ranking removes each group's share as it is)" })
    }
    if (m.recover === 'distill' && m.fineTuneSteps === 0 && m.finalEpochs === 0) {
      ctx.addIssue({ code: 'custom', path: ['recover'], message: 'recover: distill has nothing to distil: fineTuneSteps and finalEpochs are both 0' })
    }
    for (const key of ['temperature', 'alpha'] as const) {
      if (m[key] !== undefined && m.recover !== 'distill') {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies only with recover: distill (it is the distillation's ${key === 'temperature' ? 'softmax temperature' : 'weight of the soft targets'})` })
      }
    }
  })
