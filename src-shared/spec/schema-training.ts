/** The training settings of a spec (and the overrides a teacher or parent run may set). */
import { z } from 'zod'
import { positiveInt } from './zod-common'
import { augmentSpecSchema } from './schema-image-data'

export const trainingSpecSchema = z
  .object({
    epochs: positiveInt.max(10_000).default(5),
    batchSize: positiveInt.max(65_536).default(128),
    optimizer: z.enum(['adam', 'sgd', 'momentum']).default('adam'),
    learningRate: z.number().positive().max(10).default(1e-3),
    /** Momentum of the `momentum` optimizer. */
    momentum: z.number().min(0).lt(1).default(0.9),
    /** Nesterov momentum (Sutskever et al. 2013) for the `momentum` optimizer [false]. */
    nesterov: z.boolean().optional(),
    /** Learning-rate schedule over epochs (after the warm-up). */
    lrSchedule: z.enum(['constant', 'cosine', 'step']).default('constant'),
    /** Epochs of linear warm-up, step by step from learningRate/steps to learningRate (Goyal et al. 2017) [0]. */
    warmupEpochs: z.number().int().min(0).max(10_000).optional(),
    /**
     * Decoupled weight decay (SGDW/AdamW, Loshchilov & Hutter 2019): w ← w − lr·weightDecay·w at
     * each step, outside the loss, on kernels only (not biases nor batch-norm parameters) [0].
     * Optional rather than defaulted, so runs stored before it keep the same parameters.
     */
    weightDecay: z.number().min(0).max(1).optional(),
    /** Random ±N pixel translation of training images (Hinton 2015 jittered by up to 2 px). */
    jitter: z.number().int().min(0).max(8).default(0),
    /** Seeded random crop (after zero padding) and horizontal flip of training images (issue 16). */
    augment: augmentSpecSchema.optional(),
    /** Fraction of the training split held out for validation metrics each epoch. */
    validationFraction: z.number().min(0).lt(1).default(0),
    /** Stop with status failed when the loss is NaN/Infinity (divergence). */
    stopOnNaN: z.boolean().default(true),
  })
  .strict()
export type TrainingSpec = z.infer<typeof trainingSpecSchema>

/**
 * Training fields that override the experiment's `training` (e.g. for the teacher). Unlike
 * zod's `.partial()`, which still fills in defaults, a field left out here stays unset.
 */
export const trainingOverridesSchema = z
  .object(
    Object.fromEntries(
      Object.entries(trainingSpecSchema.shape).map(([key, field]) => [
        key,
        (field instanceof z.ZodDefault ? field.unwrap() : field).optional(),
      ]),
    ) as unknown as { [K in keyof typeof trainingSpecSchema.shape]: z.ZodOptional<z.ZodType<TrainingSpec[K]>> },
  )
  .strict()
