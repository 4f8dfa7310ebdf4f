/**
 * The experiment spec: one JSON document per launch (DESIGN §3).
 *
 * The same zod schema validates CLI/server/IPC input and generates the JSON Schema used by the
 * docs and the launch form (`specJsonSchema`). Every object is strict: an unknown field is an
 * error that names the field, so a typo never silently falls back to a default.
 */
import { z } from 'zod'
import { datasetSpecSchema } from './schema-data'
import { modelSpecSchema } from './schema-models'
import { positiveInt, probability } from './zod-common'

export * from './schema-data'
export * from './schema-models'

export const trainingSpecSchema = z
  .object({
    epochs: positiveInt.max(10_000).default(5),
    batchSize: positiveInt.max(65_536).default(128),
    optimizer: z.enum(['adam', 'sgd', 'momentum']).default('adam'),
    learningRate: z.number().positive().max(10).default(1e-3),
    /** Momentum of the `momentum` optimizer. */
    momentum: z.number().min(0).lt(1).default(0.9),
    /** Learning-rate schedule over epochs. */
    lrSchedule: z.enum(['constant', 'cosine', 'step']).default('constant'),
    /** Random ±N pixel translation of training images (Hinton 2015 jittered by up to 2 px). */
    jitter: z.number().int().min(0).max(8).default(0),
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

/** A model of an earlier run, by id. */
const runModelSchema = z.object({ source: z.literal('run'), runId: positiveInt }).strict()
/** A TF.js layers-format `model.json` (weights beside it); relative paths resolve in the data folder. */
const importedModelSchema = z.object({ source: z.literal('import'), path: z.string().min(1).max(4096) }).strict()
const trainedTeacherSchema = z
  .object({
    source: z.literal('train'),
    model: modelSpecSchema,
    /** Teacher training settings; fields left out fall back to the experiment's `training`. */
    training: trainingOverridesSchema.optional(),
  })
  .strict()
const singleTeacherSchema = z.discriminatedUnion('source', [trainedTeacherSchema, runModelSchema, importedModelSchema])

/** Where the teacher of a distillation comes from; an ensemble averages its members' logits. */
export const teacherSpecSchema = z.discriminatedUnion('source', [
  trainedTeacherSchema,
  runModelSchema,
  importedModelSchema,
  z.object({ source: z.literal('ensemble'), members: z.array(singleTeacherSchema).min(2).max(16) }).strict(),
])
export type TeacherSpec = z.infer<typeof teacherSpecSchema>
export type SingleTeacherSpec = z.infer<typeof singleTeacherSchema>

/** The unpruned model a pruning run starts from: trained in the same launch, or an earlier run. */
export const parentSpecSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('train'),
      /** Training of the parent; fields left out fall back to the experiment's `training`. */
      training: trainingOverridesSchema.optional(),
    })
    .strict(),
  runModelSchema,
  importedModelSchema,
])
export type ParentSpec = z.infer<typeof parentSpecSchema>

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

/** Detection: a detector trained on the boxes with the YOLO loss. */
export const detectMethodSchema = z
  .object({
    kind: z.literal('detect'),
    /** Test images drawn with their predicted boxes as `preview` artifacts. */
    previews: z.number().int().min(0).max(16).default(3),
  })
  .strict()

/** Detection distillation (Mehta & Ozturk 2018, METHODS D5). */
export const detectDistillMethodSchema = z
  .object({
    kind: z.literal('detect-distill'),
    teacher: singleTeacherSchema,
    /** λ_D: weight of the distillation terms. */
    lambdaD: z.number().min(0).max(100).default(1),
    /** Scale the class and box terms by the teacher's objectness (off: naive output KD). */
    objectnessScaling: z.boolean().default(true),
    /** FM-NMS on the teacher's output before it is used as a target. */
    fmNms: z.boolean().default(true),
    /** K of the K×K FM-NMS neighbourhood. */
    fmNmsK: z.number().int().min(1).max(15).default(3),
    /** Also train on the dataset's unlabelled images with the teacher terms only. */
    useUnlabelled: z.boolean().default(false),
    previews: z.number().int().min(0).max(16).default(3),
    /** Also train the student alone on the labels (one run per seed), for comparison. */
    baseline: z.boolean().default(true),
  })
  .strict()

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

const parentField = parentSpecSchema.default({ source: 'train' })

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
    /** Hinton T and α when recover = distill. */
    temperature: z.number().positive().max(1000).default(4),
    alpha: probability.default(0.5),
  })
  .strict()

/** Singh et al., WACV 2019 (METHODS P3). */
export const singhMethodSchema = z
  .object({
    kind: z.literal('singh'),
    parent: parentField,
    /** λ of the L1 sparsity-inducing term λ·Σ|w| over the pruned layers. */
    l1: z.number().min(0).max(10).default(1e-4),
    /** Epochs of sparsity-inducing training. */
    sparsityEpochs: z.number().int().min(0).max(1000).default(3),
    /** Largest validation-accuracy drop accepted when choosing the global threshold. */
    tolerance: z.number().min(0).max(1).default(0.01),
    /**
     * What the tolerance is checked on: the model with the weights below the threshold zeroed
     * (`zeroed`, METHODS P3 as written), or the model with the filters that threshold would remove
     * taken out (`pruned`: safer when the cut-off removes filters that still carry the function).
     */
    toleranceOn: z.enum(['zeroed', 'pruned']).default('zeroed'),
    /** A filter is removed when this fraction of its weights (or of its inputs in layer l+1) is zero. */
    cutoff: probability.default(0.9),
    /** Layer groups pruned in turn, each a list of layer names; default one phase per layer from the last. */
    phases: z.array(z.array(z.string().min(1)).min(1)).optional(),
    /** Epochs of retraining (original loss, no L1) after each phase. */
    retrainEpochs: z.number().int().min(0).max(1000).default(2),
    validationFraction: z.number().gt(0).lt(1).default(0.1),
  })
  .strict()

/** Unstructured magnitude pruning under the AGP schedule (Zhu & Gupta 2017). */
export const magnitudeMethodSchema = z
  .object({
    kind: z.literal('magnitude'),
    parent: parentField,
    initialSparsity: z.number().min(0).lt(1).default(0),
    finalSparsity: z.number().gt(0).lt(1).default(0.9),
    /** Number of pruning steps n; one step every `frequency` minibatches (Δt). */
    steps: positiveInt.max(10_000).default(10),
    frequency: positiveInt.max(1_000_000).default(50),
    scope: z.enum(['global', 'layer']).default('global'),
    /** Fine-tuning epochs after the final step (masks kept). */
    finalEpochs: z.number().int().min(0).max(1000).default(1),
  })
  .strict()

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

/** Sensitivity analysis: each prunable layer alone at each ratio, evaluated without fine-tuning. */
export const sensitivityMethodSchema = z
  .object({
    kind: z.literal('sensitivity'),
    parent: parentField,
    criterion: z.enum(pruneCriteria).default('l1'),
    ratios: z.array(z.number().gt(0).lt(1)).min(1).max(50).default([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]),
  })
  .strict()

export const methodSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train') }).strict(),
  distillMethodSchema,
  pruneMethodSchema,
  singhMethodSchema,
  magnitudeMethodSchema,
  slimmingMethodSchema,
  sensitivityMethodSchema,
  detectMethodSchema,
  detectDistillMethodSchema,
])
export type MethodSpec = z.infer<typeof methodSpecSchema>

export type PruneFamilyMethod = Extract<MethodSpec, { parent: unknown }>

/** A dotted path into the spec, e.g. `method.temperature` or `training.learningRate`. */
const dottedPath = z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/, 'must be a dotted path like method.temperature')

export const sweepSpecSchema = z
  .object({
    /** Grid axes: every combination of the listed values is one configuration. */
    grid: z.record(dottedPath, z.array(z.unknown()).min(1)).default({}),
    /** Each configuration runs once per seed. */
    seeds: z.array(z.number().int().min(0)).min(1).default([0]),
  })
  .strict()
export type SweepSpec = z.infer<typeof sweepSpecSchema>

export const experimentSpecSchema = z
  .object({
    version: z.literal(1).default(1),
    name: z.string().min(1).max(200),
    description: z.string().max(10_000).optional(),
    dataset: datasetSpecSchema,
    /** The model the experiment produces (the student, for distillation). */
    model: modelSpecSchema,
    training: trainingSpecSchema.default(trainingSpecSchema.parse({})),
    method: methodSpecSchema.default({ kind: 'train' }),
    sweep: sweepSpecSchema.default(sweepSpecSchema.parse({})),
    tags: z.array(z.string().min(1).max(64)).max(50).default([]),
  })
  .strict()

/** The spec as written by a user (defaults not yet applied). */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>
/** The spec after validation, every default applied. */
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>

/** JSON Schema of the spec, for the docs and the launch form. */
export function specJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(experimentSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
}
