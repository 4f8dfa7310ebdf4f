/**
 * The datasets a spec can name (DESIGN §3; README "Data formats"): classification (mnist-10k,
 * IDX, CSV) and detection (shapes, PASCAL VOC). Part of the experiment spec (schema.ts).
 */
import { z } from 'zod'
import { pathField } from './path-field'
import { positiveInt } from './zod-common'
import { imageDatasetSpecSchemas } from './schema-image-data'

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
      trainImages: pathField('file'),
      trainLabels: pathField('file'),
      testImages: pathField('file').optional(),
      testLabels: pathField('file').optional(),
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
      path: pathField('file'),
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
  ...imageDatasetSpecSchemas,
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
      root: pathField('folder'),
      /** Images are resized to this square side. */
      imageSize: z.number().int().min(16).max(1024).default(64),
      /** Classes to detect (default the 20 VOC classes). */
      classNames: z.array(z.string().min(1)).min(1).max(1000).optional(),
      testFraction: z.number().gt(0).lt(1).default(0.2),
      /** Broken images or annotations: reported by file name and skipped, or the run refused. */
      onBroken: z.enum(['skip', 'refuse']).default('skip'),
      /** A folder of unlabelled images (JPEG/PNG) for distillation with teacher terms only; relative to the data folder. */
      unlabelled: pathField('folder').optional(),
    })
    .strict(),
])
export type DetectionDatasetSpec = z.infer<typeof detectionDatasetSpecSchema>

/** Every dataset a spec can name: classification (mnist-10k, idx, csv) and detection (shapes, voc). */
export const datasetSpecSchema = z.discriminatedUnion('name', [...classificationDatasetSpecSchema.options, ...detectionDatasetSpecSchema.options])
export type DatasetSpec = z.infer<typeof datasetSpecSchema>

/** Dataset names of the detection task; every other one is classification. */
export const DETECTION_DATASETS = ['shapes', 'voc'] as const
export const isDetectionDataset = <D extends { name: string }>(d: D): d is Extract<D, { name: (typeof DETECTION_DATASETS)[number] }> =>
  (DETECTION_DATASETS as readonly string[]).includes(d.name)
