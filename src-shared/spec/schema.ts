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
export const classificationDatasetSpecSchema = z.discriminatedUnion('name', [
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
  /** A CSV table with a header row: numeric feature columns and one class-label column. */
  z
    .object({
      name: z.literal('csv'),
      /** The file; relative paths resolve in the data folder, `npm:<package>/<file>` in an installed package. */
      path: z.string().min(1).max(4096),
      /** The column holding the class (any text; classes are numbered in sorted order). */
      label: z.string().min(1),
      /** Feature columns (default: every column but the label); each cell must be a number. */
      features: z.array(z.string().min(1)).min(1).optional(),
      /** standard: (v − mean) / sd; minmax: (v − min) / (max − min); statistics of the training split. */
      scale: z.enum(['standard', 'minmax', 'none']).default('standard'),
      testFraction: z.number().gt(0).lt(1).default(0.2),
      trainLimit: positiveInt.optional(),
      splitSeed: z.number().int().min(0).default(0),
    })
    .strict(),
])
export type ClassificationDatasetSpec = z.infer<typeof classificationDatasetSpecSchema>

/** Detection datasets (METHODS D5): images with boxes, loaded by the detection methods. */
export const detectionDatasetSpecSchema = z.discriminatedUnion('name', [
  /** Detection: seeded synthetic images of shapes with their boxes (METHODS D5). */
  z
    .object({
      name: z.literal('shapes'),
      /** Side of the square images in pixels. */
      imageSize: z.number().int().min(16).max(512).default(64),
      /** How many shape classes (circle, square, triangle, …). */
      numClasses: z.number().int().min(1).max(6).default(3),
      trainSize: positiveInt.max(1_000_000).default(1000),
      testSize: positiveInt.max(1_000_000).default(200),
      /** Extra images whose boxes are hidden (distillation with teacher terms only). */
      unlabelledSize: z.number().int().min(0).max(1_000_000).default(0),
      /** Seed of the generated images; independent of the run seed so runs share one dataset. */
      seed: z.number().int().min(0).default(0),
    })
    .strict(),
  /** Detection: a PASCAL VOC folder (JPEGImages/PNG + Annotations XML). */
  z
    .object({
      name: z.literal('voc'),
      /** The VOC folder; relative paths resolve in the data folder. */
      root: z.string().min(1).max(4096),
      /** Images are resized to this square side. */
      imageSize: z.number().int().min(16).max(1024).default(64),
      /** Classes to detect (default the 20 VOC classes). */
      classNames: z.array(z.string().min(1)).min(1).max(1000).optional(),
      testFraction: z.number().gt(0).lt(1).default(0.2),
      /** Broken images or annotations: reported by file name and skipped, or the run refused. */
      onBroken: z.enum(['skip', 'refuse']).default('skip'),
      /** A folder of unlabelled images (JPEG/PNG) for distillation with teacher terms only; relative to the data folder. */
      unlabelled: z.string().min(1).max(4096).optional(),
    })
    .strict(),
])
export type DetectionDatasetSpec = z.infer<typeof detectionDatasetSpecSchema>

/** Every dataset a spec can name: classification (mnist-10k, idx, csv) and detection (shapes, voc). */
export const datasetSpecSchema = z.discriminatedUnion('name', [...classificationDatasetSpecSchema.options, ...detectionDatasetSpecSchema.options])
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
export const classifierModelSpecSchema = z.discriminatedUnion('arch', [
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
export type ClassifierModelSpec = z.infer<typeof classifierModelSpecSchema>

/** Detector architectures (METHODS D5). */
export const detectionModelSpecSchema = z.discriminatedUnion('arch', [
  /** Detection: the Tiny-YOLO-style teacher (conv + 2×2 pooling blocks, grid blocks, YOLO head). */
  z
    .object({
      arch: z.literal('tinyYolo'),
      filters: z.array(positiveInt).min(1).max(8).default([16, 32, 64]),
      gridFilters: z.array(positiveInt).max(8).default([128, 128]),
      batchNorm: z.boolean().default(true),
      /** B: anchor priors per cell, chosen by k-means on the training boxes. */
      anchors: z.number().int().min(1).max(9).default(2),
    })
    .strict(),
  /** Detection: the deep-but-narrow student with dense feature-map stacking (Mehta & Ozturk). */
  z
    .object({
      arch: z.literal('denseStackedStudent'),
      filters: z.array(positiveInt).min(1).max(8).default([8, 16, 32]),
      gridBlocks: z.array(z.tuple([positiveInt, positiveInt])).max(8).default([[16, 32], [16, 32]]),
      /** Indices into `filters` of the blocks whose maps are stacked (default the last two). */
      stackFrom: z.array(z.number().int().min(0)).optional(),
      bottleneck: positiveInt.default(4),
      fuseFilters: positiveInt.default(32),
      batchNorm: z.boolean().default(true),
      anchors: z.number().int().min(1).max(9).default(2),
    })
    .strict(),
])
export type DetectionModelSpec = z.infer<typeof detectionModelSpecSchema>

/** Every architecture a spec can name: classifiers and detectors. */
export const modelSpecSchema = z.discriminatedUnion('arch', [...classifierModelSpecSchema.options, ...detectionModelSpecSchema.options])
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

/** Dataset names and model archs of the detection task; every other one is classification. */
export const DETECTION_DATASETS = ['shapes', 'voc'] as const
export const DETECTION_ARCHS = ['tinyYolo', 'denseStackedStudent'] as const
export const isDetectionDataset = <D extends { name: string }>(d: D): d is Extract<D, { name: (typeof DETECTION_DATASETS)[number] }> =>
  (DETECTION_DATASETS as readonly string[]).includes(d.name)
export const isDetectionModel = <M extends { arch: string }>(m: M): m is Extract<M, { arch: (typeof DETECTION_ARCHS)[number] }> =>
  (DETECTION_ARCHS as readonly string[]).includes(m.arch)
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
