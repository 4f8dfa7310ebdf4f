/** The training settings of a spec (and the overrides a teacher or parent run may set). */
import { z } from 'zod'
import { positiveInt } from './zod-common'
import { augmentSpecSchema } from './schema-image-data'

export const trainingSpecSchema = z
  .object({
    epochs: positiveInt.max(10_000).default(5).describe('Passes over the training split.'),
    batchSize: positiveInt.max(65_536).default(128).describe('Examples per minibatch.'),
    optimizer: z.enum(['adam', 'sgd', 'momentum']).default('adam').describe('adam, plain SGD, or SGD with momentum.'),
    learningRate: z.number().positive().max(10).default(1e-3).describe('Step size of the optimizer (the start of the schedule).'),
    momentum: z.number().min(0).lt(1).default(0.9).describe('Momentum of the `momentum` optimizer.'),
    nesterov: z.boolean().optional().describe('Nesterov momentum (Sutskever et al. 2013) for the `momentum` optimizer [false].'),
    lrSchedule: z.enum(['constant', 'cosine', 'step']).default('constant').describe('Learning-rate schedule over epochs.'),
    warmupEpochs: z.number().int().min(0).max(10_000).optional().describe('Epochs of linear warm-up, step by step from learningRate/steps to learningRate (Goyal et al. 2017) [0].'),
    /** Optional rather than defaulted, so runs stored before it keep the same parameters. */
    weightDecay: z.number().min(0).max(1).optional().describe('Decoupled weight decay (SGDW/AdamW, Loshchilov & Hutter 2019): w ← w − lr·weightDecay·w at each step, outside the loss, on kernels only (not biases nor batch-norm parameters) [0].'),
    bnRecalibration: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .describe("After each epoch, batch-norm layers' moving mean and variance are recomputed from the batch statistics of this many training examples (adaptive BN, as EagleEye); 0 keeps the moving averages [1024]."),
    jitter: z.number().int().min(0).max(8).default(0).describe('Random ±N pixel translation of training images (Hinton 2015 jittered by up to 2 px).'),
    augment: augmentSpecSchema.optional().describe('Seeded random crop (after zero padding) and horizontal flip of training images.'),
    validationFraction: z.number().min(0).lt(1).default(0).describe('Fraction of the training split held out for validation metrics each epoch.'),
    stopOnNaN: z.boolean().default(true).describe('Stop with status failed when the loss is NaN/Infinity (divergence).'),
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
      Object.entries(trainingSpecSchema.shape).map(([key, field]) => {
        // The field without its default, with its help text (unwrapping leaves that behind).
        const optional = (field instanceof z.ZodDefault ? field.unwrap() : field).optional()
        return [key, field.description ? optional.describe(field.description) : optional]
      }),
    ) as unknown as { [K in keyof typeof trainingSpecSchema.shape]: z.ZodOptional<z.ZodType<TrainingSpec[K]>> },
  )
  .strict()
