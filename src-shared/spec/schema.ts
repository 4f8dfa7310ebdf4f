/**
 * The experiment spec: one JSON document per launch (DESIGN §3).
 *
 * The same zod schema validates CLI/server/IPC input and generates the JSON Schema used by the
 * docs and the launch form (`specJsonSchema`). Every object is strict: an unknown field is an
 * error that names the field, so a typo never silently falls back to a default.
 */
import { z } from 'zod'

const positiveInt = z.number().int().positive()
const probability = z.number().min(0).max(1)

/** Datasets shipped with the lab or brought by the user (see README "Data formats"). */
export const datasetSpecSchema = z.discriminatedUnion('name', [
  z
    .object({
      name: z.literal('mnist-10k'),
      /** Fraction of the 10,000 digits held out as the test split (seeded, stratified). */
      testFraction: z.number().gt(0).lt(1).default(0.2),
      /** Use only the first N training examples after the seeded shuffle (scarce-label studies). */
      trainLimit: positiveInt.optional(),
      /** Seed of the train/test split; independent of the run seed so runs share one split. */
      splitSeed: z.number().int().min(0).default(0),
    })
    .strict(),
  z
    .object({
      name: z.literal('idx'),
      trainImages: z.string().min(1),
      trainLabels: z.string().min(1),
      testImages: z.string().min(1).optional(),
      testLabels: z.string().min(1).optional(),
      /** Used when no test files are given: fraction of the training files held out. */
      testFraction: z.number().gt(0).lt(1).default(0.2),
      trainLimit: positiveInt.optional(),
      splitSeed: z.number().int().min(0).default(0),
    })
    .strict(),
])
export type DatasetSpec = z.infer<typeof datasetSpecSchema>

/** One layer of a custom architecture (a small, JSON-friendly subset of Keras layers). */
export const layerSpecSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('dense'),
      units: positiveInt,
      activation: z.enum(['linear', 'relu', 'tanh', 'sigmoid']).default('relu'),
      name: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('conv2d'),
      filters: positiveInt,
      kernelSize: positiveInt,
      strides: positiveInt.default(1),
      padding: z.enum(['valid', 'same']).default('valid'),
      activation: z.enum(['linear', 'relu', 'tanh', 'sigmoid']).default('relu'),
      name: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.enum(['maxPool2d', 'avgPool2d']),
      poolSize: positiveInt.default(2),
      strides: positiveInt.optional(),
      name: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('flatten'), name: z.string().optional() }).strict(),
  z.object({ type: z.literal('dropout'), rate: z.number().min(0).lt(1), name: z.string().optional() }).strict(),
  z.object({ type: z.literal('batchNorm'), name: z.string().optional() }).strict(),
])
export type LayerSpec = z.infer<typeof layerSpecSchema>

/** An architecture: a named builder with its settings, or an explicit list of layers. */
export const modelSpecSchema = z.discriminatedUnion('arch', [
  z
    .object({
      arch: z.literal('mlp'),
      hidden: z.array(positiveInt).default([128]),
      activation: z.enum(['relu', 'tanh', 'sigmoid']).default('relu'),
      /** Dropout after each hidden layer (Hinton 2015 used 0.5 for the MNIST teacher). */
      dropout: z.number().min(0).lt(1).default(0),
      /** Dropout on the input pixels (Hinton 2015 used 0.2). */
      inputDropout: z.number().min(0).lt(1).default(0),
    })
    .strict(),
  z
    .object({
      arch: z.literal('lenet5'),
      /** Filters of the two conv layers and units of the two dense layers (LeCun 1998: 6,16,120,84). */
      filters: z.tuple([positiveInt, positiveInt]).default([6, 16]),
      dense: z.tuple([positiveInt, positiveInt]).default([120, 84]),
      dropout: z.number().min(0).lt(1).default(0),
    })
    .strict(),
  z.object({ arch: z.literal('custom'), layers: z.array(layerSpecSchema).min(1) }).strict(),
])
export type ModelSpec = z.infer<typeof modelSpecSchema>

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

/** Where the teacher of a distillation comes from. */
export const teacherSpecSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('train'),
      model: modelSpecSchema,
      /** Teacher training settings; fields left out fall back to the experiment's `training`. */
      training: trainingOverridesSchema.optional(),
    })
    .strict(),
  z.object({ source: z.literal('run'), runId: positiveInt }).strict(),
])
export type TeacherSpec = z.infer<typeof teacherSpecSchema>

export const methodSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train') }).strict(),
  z
    .object({
      kind: z.literal('distill'),
      loss: z.literal('hinton').default('hinton'),
      /** Hinton 2015: softmax temperature T of the soft targets. */
      temperature: z.number().positive().max(1000).default(4),
      /** Weight of the soft-target term; (1 − α) weighs the hard-label term (METHODS D4). */
      alpha: probability.default(0.5),
      teacher: teacherSpecSchema,
      /** Also train the student alone on the labels (one run per seed), for comparison. */
      baseline: z.boolean().default(true),
    })
    .strict(),
])
export type MethodSpec = z.infer<typeof methodSpecSchema>

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
