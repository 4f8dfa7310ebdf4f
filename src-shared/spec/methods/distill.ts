/** Knowledge distillation (Hinton 2015, Ba & Caruana 2014, Sau 2016) and its transfer sets. */
import { z } from 'zod'
import { teacherSpecSchema } from '../schema-sources'
import { positiveInt, probability } from '../zod-common'

/** The data the student learns from in a distillation (Buciluǎ 2006 transfer sets, METHODS D1). */
export const transferSpecSchema = z.discriminatedUnion('kind', [
  /** The labelled training split (the usual case). */
  z.object({ kind: z.literal('train').describe('The labelled training split (the usual case).') }).strict(),
  /** MUNGE synthetic examples labelled by the teacher, plus the training split. */
  z
    .object({
      kind: z.literal('munge').describe('MUNGE synthetic examples labelled by the teacher, plus the training split (Buciluǎ 2006).'),
      p: probability.default(0.5).describe("MUNGE p: probability of swapping each feature with the nearest neighbour's."),
      s: z.number().positive().max(1000).default(2).describe('MUNGE s: local variance factor (the swapped value is drawn with sd |a − b| / s).'),
      multiplier: z.number().int().min(1).max(100).default(5).describe('Synthetic examples per training example.'),
      pcaDims: z.number().int().min(0).max(4096).default(0).describe('Nearest neighbours on this many principal components (0: raw features).'),
      includeOriginal: z.boolean().default(true).describe('Also train on the original labelled examples (the paper trains on both).'),
    })
    .strict(),
  /** Uniform random examples in each feature's observed range, labelled by the teacher (the paper's RANDOM baseline). */
  z
    .object({
      kind: z.literal('random').describe("Uniform random examples in each feature's observed range, labelled by the teacher (the paper's RANDOM baseline)."),
      multiplier: z.number().int().min(1).max(100).default(5).describe('Synthetic examples per training example.'),
      includeOriginal: z.boolean().default(true).describe('Also train on the original labelled examples.'),
    })
    .strict(),
  /** Training examples beyond `dataset.trainLimit`, their labels hidden: teacher targets only. */
  z
    .object({
      kind: z.literal('unlabeled').describe('Training examples beyond dataset.trainLimit, their labels hidden: teacher targets only.'),
      count: positiveInt.max(1_000_000).optional().describe('How many of them (default: all that are left).'),
    })
    .strict(),
])
export type TransferSpec = z.infer<typeof transferSpecSchema>

const distillLosses = ['hinton', 'logit-l2', 'noisy-teacher'] as const

export const distillMethodSchema = z
  .object({
    kind: z.literal('distill').describe('Knowledge distillation of the model (the student) from a teacher.'),
    loss: z.enum(distillLosses).default('hinton').describe('hinton (Hinton 2015), logit-l2 (Ba & Caruana 2014), noisy-teacher (Sau 2016).'),
    temperature: z.number().positive().max(1000).default(4).describe('Hinton 2015: softmax temperature T of the soft targets.'),
    alpha: probability.default(0.5).describe('Hinton: weight α of the soft-target term; (1 − α) weighs the hard-label term (METHODS D4).'),
    hardLabelWeight: z.number().min(0).max(100).default(0).describe('logit-l2 / noisy-teacher: weight of the hard-label cross-entropy added to the logit loss.'),
    noiseProbability: probability.default(0.5).describe("noisy-teacher (Sau 2016): probability a sample's teacher logits are perturbed."),
    noiseVariance: z.number().min(0).max(100).default(0.1).describe('noisy-teacher: variance σ² of the multiplicative noise ξ ~ N(0, σ²).'),
    teacher: teacherSpecSchema.describe('Where the teacher comes from: trained in the launch, a run, an imported model, or an ensemble.'),
    transfer: transferSpecSchema.default({ kind: 'train' }).describe('The data the student learns from (METHODS D1).'),
    omitClasses: z.array(z.number().int().min(0)).max(1000).default([]).describe('Classes left out of the transfer set (Hinton\'s "no 3s" experiment).'),
    biasCorrection: z.boolean().default(false).describe('Add a per-class logit bias for omitted classes, chosen on a validation split.'),
    baseline: z.boolean().default(true).describe('Also train the student alone on the labels (one run per seed), for comparison.'),
  })
  .strict()
