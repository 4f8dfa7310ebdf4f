/**
 * Image classification datasets brought as files (issue 16 item 4): CIFAR-10 and CIFAR-100 in their
 * binary distribution, and a folder with one subfolder per class. Their pixels are normalised per
 * channel by the training split's mean and standard deviation (mnist-10k keeps its [0, 1] scaling).
 * Part of the experiment spec (schema-data.ts).
 */
import { z } from 'zod'
import { pathField } from './path-field'
import { positiveInt } from './zod-common'

const cifarCommon = {
  /** The folder of the binary version as distributed (`cifar-10-batches-bin`, `cifar-100-binary`); relative to the data folder. */
  root: pathField('folder', 'The folder of the binary version as distributed (cifar-10-batches-bin, cifar-100-binary); relative to the data folder.'),
  /** Use only the first N training records (file order; CIFAR's batches are already shuffled). */
  trainLimit: positiveInt.optional().describe('Use only the first N training records.'),
  /** Use only the first N test records. */
  testLimit: positiveInt.optional().describe('Use only the first N test records.'),
}

export const imageDatasetSpecSchemas = [
  /** CIFAR-10: data_batch_1..5.bin and test_batch.bin, 3,073 bytes per record (label, 32×32 R, G, B planes). */
  z.object({ name: z.literal('cifar10').describe('CIFAR-10, binary version (data_batch_1..5.bin, test_batch.bin).'), ...cifarCommon }).strict(),
  /** CIFAR-100: train.bin and test.bin, 3,074 bytes per record (coarse label, fine label, pixels). */
  z
    .object({
      name: z.literal('cifar100').describe('CIFAR-100, binary version (train.bin, test.bin).'),
      ...cifarCommon,
      /** The 100 fine classes or the 20 coarse superclasses. */
      labels: z.enum(['fine', 'coarse']).default('fine').describe('The 100 fine classes or the 20 coarse superclasses.'),
    })
    .strict(),
  /** One subfolder per class (sorted names are the classes), JPEG/PNG images resized to imageSize². */
  z
    .object({
      name: z.literal('image-folder').describe('A folder with one subfolder per class of JPEG/PNG images (sorted names are the classes).'),
      /** The training folder (or the only one); relative to the data folder. */
      root: pathField('folder', 'The training folder (or the only one); relative to the data folder.'),
      /** A test folder with the same class subfolders; without it a seeded stratified split by testFraction. */
      test: pathField('folder', 'A test folder with the same class subfolders; without it a seeded stratified split by testFraction.').optional(),
      imageSize: z.number().int().min(8).max(512).default(32).describe('Images are resized to imageSize × imageSize pixels.'),
      /** 1: grey (ITU-R 601 luma), 3: RGB. */
      channels: z.union([z.literal(1), z.literal(3)]).default(3).describe('1: grey (ITU-R 601 luma), 3: RGB.'),
      testFraction: z.number().gt(0).lt(1).default(0.2).describe('Without a test folder: the fraction of each class held out for testing.'),
      trainLimit: positiveInt.optional().describe('Use only the first N training images.'),
      splitSeed: z.number().int().min(0).default(0).describe('Seed of the stratified train/test split.'),
      /** Broken images: reported by file name and skipped, or the run refused. */
      onBroken: z.enum(['skip', 'refuse']).default('skip').describe('Broken images: reported by file name and skipped, or the run refused.'),
    })
    .strict(),
] as const

export type ImageDatasetSpec = z.infer<(typeof imageDatasetSpecSchemas)[number]>

/** Standard augmentation of classification images, seeded from the run seed (`training.augment`). */
export const augmentSpecSchema = z
  .object({
    /** Pad by N pixels on every side and crop back to the image at a random place (4 for CIFAR). */
    cropPadding: z.number().int().min(0).max(16).default(0).describe('Pad by N pixels on every side and crop back at a random place (4 for CIFAR).'),
    /** Flip horizontally with probability ½. */
    flip: z.boolean().default(false).describe('Flip horizontally with probability ½.'),
  })
  .strict()
export type AugmentSpec = z.infer<typeof augmentSpecSchema>
