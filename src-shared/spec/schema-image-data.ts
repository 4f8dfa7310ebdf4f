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
  root: pathField('folder'),
  /** Use only the first N training records (file order; CIFAR's batches are already shuffled). */
  trainLimit: positiveInt.optional(),
  /** Use only the first N test records. */
  testLimit: positiveInt.optional(),
}

export const imageDatasetSpecSchemas = [
  /** CIFAR-10: data_batch_1..5.bin and test_batch.bin, 3,073 bytes per record (label, 32×32 R, G, B planes). */
  z.object({ name: z.literal('cifar10'), ...cifarCommon }).strict(),
  /** CIFAR-100: train.bin and test.bin, 3,074 bytes per record (coarse label, fine label, pixels). */
  z
    .object({
      name: z.literal('cifar100'),
      ...cifarCommon,
      /** The 100 fine classes or the 20 coarse superclasses. */
      labels: z.enum(['fine', 'coarse']).default('fine'),
    })
    .strict(),
  /** One subfolder per class (sorted names are the classes), JPEG/PNG images resized to imageSize². */
  z
    .object({
      name: z.literal('image-folder'),
      /** The training folder (or the only one); relative to the data folder. */
      root: pathField('folder'),
      /** A test folder with the same class subfolders; without it a seeded stratified split by testFraction. */
      test: pathField('folder').optional(),
      imageSize: z.number().int().min(8).max(512).default(32),
      /** 1: grey (ITU-R 601 luma), 3: RGB. */
      channels: z.union([z.literal(1), z.literal(3)]).default(3),
      testFraction: z.number().gt(0).lt(1).default(0.2),
      trainLimit: positiveInt.optional(),
      splitSeed: z.number().int().min(0).default(0),
      /** Broken images: reported by file name and skipped, or the run refused. */
      onBroken: z.enum(['skip', 'refuse']).default('skip'),
    })
    .strict(),
] as const

export type ImageDatasetSpec = z.infer<(typeof imageDatasetSpecSchemas)[number]>

/** Standard augmentation of classification images, seeded from the run seed (`training.augment`). */
export const augmentSpecSchema = z
  .object({
    /** Pad by N pixels on every side and crop back to the image at a random place (4 for CIFAR). */
    cropPadding: z.number().int().min(0).max(16).default(0),
    /** Flip horizontally with probability ½. */
    flip: z.boolean().default(false),
  })
  .strict()
export type AugmentSpec = z.infer<typeof augmentSpecSchema>
