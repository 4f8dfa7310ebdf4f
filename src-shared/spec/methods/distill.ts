/** Knowledge distillation (Hinton 2015, Ba & Caruana 2014, Sau 2016) and its transfer sets. */
import { z } from 'zod'
import { teacherSpecSchema } from '../schema-sources'
import { positiveInt, probability } from '../zod-common'

/** The data the student learns from in a distillation (Buciluǎ 2006 transfer sets, METHODS D1). */
export const transferSpecSchema = z.discriminatedUnion('kind', [
  /** The labelled training split (the usual case). */
  z.object({ kind: z.literal('train') }).strict(),
  /** MUNGE synthetic examples labelled by the teacher, plus the training split. */
  z
    .object({
      kind: z.literal('munge'),
      p: probability.default(0.5),
      s: z.number().positive().max(1000).default(2),
      multiplier: z.number().int().min(1).max(100).default(5),
      /** Nearest neighbours on this many principal components (0: raw features). */
      pcaDims: z.number().int().min(0).max(4096).default(0),
      /** Also train on the original labelled examples (the paper trains on both). */
      includeOriginal: z.boolean().default(true),
    })
    .strict(),
  /** Uniform random examples in each feature's observed range, labelled by the teacher (the paper's RANDOM baseline). */
  z
    .object({
      kind: z.literal('random'),
      multiplier: z.number().int().min(1).max(100).default(5),
      includeOriginal: z.boolean().default(true),
    })
    .strict(),
  /** Training examples beyond `dataset.trainLimit`, their labels hidden: teacher targets only. */
  z
    .object({ kind: z.literal('unlabeled'), count: positiveInt.max(1_000_000).optional() })
    .strict(),
])
export type TransferSpec = z.infer<typeof transferSpecSchema>

const distillLosses = ['hinton', 'logit-l2', 'noisy-teacher'] as const

export const distillMethodSchema = z
  .object({
    kind: z.literal('distill'),
    /** hinton (Hinton 2015), logit-l2 (Ba & Caruana 2014), noisy-teacher (Sau 2016). */
    loss: z.enum(distillLosses).default('hinton'),
    /** Hinton 2015: softmax temperature T of the soft targets. */
    temperature: z.number().positive().max(1000).default(4),
    /** Hinton: weight α of the soft-target term; (1 − α) weighs the hard-label term (METHODS D4). */
    alpha: probability.default(0.5),
    /** logit-l2 / noisy-teacher: weight of the hard-label cross-entropy added to the logit loss. */
    hardLabelWeight: z.number().min(0).max(100).default(0),
    /** noisy-teacher (Sau 2016): probability a sample's teacher logits are perturbed. */
    noiseProbability: probability.default(0.5),
    /** noisy-teacher: variance σ² of the multiplicative noise ξ ~ N(0, σ²). */
    noiseVariance: z.number().min(0).max(100).default(0.1),
    teacher: teacherSpecSchema,
    transfer: transferSpecSchema.default({ kind: 'train' }),
    /** Classes left out of the transfer set (Hinton's "no 3s" experiment). */
    omitClasses: z.array(z.number().int().min(0)).max(1000).default([]),
    /** Add a per-class logit bias for omitted classes, chosen on a validation split. */
    biasCorrection: z.boolean().default(false),
    /** Also train the student alone on the labels (one run per seed), for comparison. */
    baseline: z.boolean().default(true),
  })
  .strict()
