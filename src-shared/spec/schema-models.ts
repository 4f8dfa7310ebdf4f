/**
 * The architectures a spec can name: classifiers (MLP, LeNet-5, custom layer lists) and detectors
 * (Tiny-YOLO, the dense-stacked student of METHODS D5). Part of the experiment spec (schema.ts).
 */
import { z } from 'zod'
import { positiveInt } from './zod-common'
import { netModelSpecSchemas } from './schema-nets'

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
  ...netModelSpecSchemas,
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

/** Model archs of the detection task; every other one is a classifier. */
export const DETECTION_ARCHS = ['tinyYolo', 'denseStackedStudent'] as const
export const isDetectionModel = <M extends { arch: string }>(m: M): m is Extract<M, { arch: (typeof DETECTION_ARCHS)[number] }> =>
  (DETECTION_ARCHS as readonly string[]).includes(m.arch)
