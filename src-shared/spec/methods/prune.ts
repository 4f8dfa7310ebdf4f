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
    /** Fraction of the prunable units/filters to remove, in (0, 1). */
    ratio: z.number().gt(0).lt(1).optional(),
    /** Stop once the model has at most this fraction of the parent's MACs, in (0, 1). */
    macs: z.number().gt(0).lt(1).optional(),
    /** Stop once the model has at most this fraction of the parent's parameters, in (0, 1). */
    params: z.number().gt(0).lt(1).optional(),
    /** Stop before test accuracy after a step would fall below this. */
    accuracyFloor: probability.optional(),
    /** Stop after removing this many units/filters in total. */
    units: positiveInt.optional(),
  })
  .strict()
  .refine((t) => Object.values(t).some((v) => v !== undefined), { message: 'set at least one of ratio, macs, params, units, accuracyFloor' })

export const pruneMethodSchema = z
  .object({
    kind: z.literal('prune'),
    parent: parentField,
    criterion: z.enum(pruneCriteria).default('taylor'),
    target: pruneTargetSchema,
    /** Units/filters removed per step (Molchanov 2017 removes one filter at a time). */
    unitsPerStep: positiveInt.max(100_000).default(4),
    /** Minibatch updates of fine-tuning between removal steps (paper: 10–30). */
    fineTuneSteps: z.number().int().min(0).max(100_000).default(20),
    /** Epochs of fine-tuning after the last removal. */
    finalEpochs: z.number().int().min(0).max(1000).default(2),
    /** Molchanov 2017 FLOPs regularisation λ (Θ ← Θ − λ·FLOPs_l); 0 turns it off, paper 1e-3. */
    flopsLambda: z.number().min(0).max(1).default(0),
    ...groupRankingFields,
    /** Restrict pruning to these layers (names as in the model report); default all prunable. */
    layers: z.array(z.string().min(1)).optional(),
    /** Never leave a layer with fewer units. */
    minUnits: positiveInt.default(1),
    /**
     * Keep each pruned layer's width a multiple of N (one N, or one per layer name; 1 = any width),
     * like Torch-Pruning's round_to: kernels compute channels in tiles (XNNPACK on wasm: 8), so a
     * width between two multiples costs as much as the next one up. A step may then remove more
     * than unitsPerStep.
     */
    roundTo: z.union([positiveInt.max(1024), z.record(z.string().min(1), positiveInt.max(1024))]).default(1),
    /** How the pruned model recovers: fine-tune on labels, or distil from the unpruned parent. */
    recover: z.enum(['finetune', 'distill']).default('finetune'),
    /**
     * Hinton T and α of the distillation from the parent; only with recover = distill, on
     * classifiers (T = 4, α = 0.5 when left out). A detector distils with the Mehta–Ozturk loss,
     * which has neither.
     */
    temperature: z.number().positive().max(1000).optional(),
    alpha: probability.optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    // A field that does nothing is refused: a sweep over it would launch identical runs.
    if (m.recover === 'distill' && m.fineTuneSteps === 0 && m.finalEpochs === 0) {
      ctx.addIssue({ code: 'custom', path: ['recover'], message: 'recover: distill has nothing to distil: fineTuneSteps and finalEpochs are both 0' })
    }
    for (const key of ['temperature', 'alpha'] as const) {
      if (m[key] !== undefined && m.recover !== 'distill') {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies only with recover: distill (it is the distillation's ${key === 'temperature' ? 'softmax temperature' : 'weight of the soft targets'})` })
      }
    }
  })
