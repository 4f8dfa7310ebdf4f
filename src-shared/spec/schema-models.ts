/**
 * The architectures a spec can name: classifiers (MLP, LeNet-5, custom layer lists) and detectors
 * (Tiny-YOLO, the dense-stacked student of METHODS D5). Part of the experiment spec (schema.ts).
 */
import { z } from 'zod'
import { positiveInt } from './zod-common'
import { netModelSpecSchemas } from './schema-nets'

const layerName = z.string().optional().describe('Layer name (as the model report and the pruning layer lists name it); generated when left out.')

/** One layer of a custom architecture (a small, JSON-friendly subset of Keras layers). */
export const layerSpecSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('dense').describe('A fully connected layer.'),
      units: positiveInt.describe('Number of units (outputs).'),
      activation: z.enum(['linear', 'relu', 'tanh', 'sigmoid']).default('relu').describe('Activation after the layer.'),
      name: layerName,
    })
    .strict(),
  z
    .object({
      type: z.literal('conv2d').describe('A 2-D convolution.'),
      filters: positiveInt.describe('Number of filters (output channels).'),
      kernelSize: positiveInt.describe('Side of the square kernel, in pixels.'),
      strides: positiveInt.default(1).describe('Step of the kernel, in pixels.'),
      padding: z.enum(['valid', 'same']).default('valid').describe("valid: no padding (the output shrinks); same: zero padding keeps the input's size."),
      activation: z.enum(['linear', 'relu', 'tanh', 'sigmoid']).default('relu').describe('Activation after the layer.'),
      name: layerName,
    })
    .strict(),
  z
    .object({
      type: z.enum(['maxPool2d', 'avgPool2d']).describe('A 2-D pooling layer: the maximum or the mean of each window.'),
      poolSize: positiveInt.default(2).describe('Side of the square pooling window.'),
      strides: positiveInt.optional().describe('Step of the window (default: the window side).'),
      name: layerName,
    })
    .strict(),
  z.object({ type: z.literal('flatten').describe('Flattens the feature maps into a vector.'), name: layerName }).strict(),
  z
    .object({ type: z.literal('dropout').describe('Dropout (training only).'), rate: z.number().min(0).lt(1).describe('Fraction of the inputs zeroed.'), name: layerName })
    .strict(),
  z.object({ type: z.literal('batchNorm').describe('Batch normalisation.'), name: layerName }).strict(),
])
export type LayerSpec = z.infer<typeof layerSpecSchema>

/** An architecture: a named builder with its settings, or an explicit list of layers. */
export const classifierModelSpecSchema = z.discriminatedUnion('arch', [
  z
    .object({
      arch: z.literal('mlp').describe('A multilayer perceptron: dense hidden layers, then the classes.'),
      hidden: z.array(positiveInt).default([128]).describe('Units of each hidden layer, input side first.'),
      activation: z.enum(['relu', 'tanh', 'sigmoid']).default('relu').describe('Activation of the hidden layers.'),
      dropout: z.number().min(0).lt(1).default(0).describe('Dropout after each hidden layer (Hinton 2015 used 0.5 for the MNIST teacher).'),
      inputDropout: z.number().min(0).lt(1).default(0).describe('Dropout on the input pixels (Hinton 2015 used 0.2).'),
    })
    .strict(),
  z
    .object({
      arch: z.literal('lenet5').describe('LeNet-5 (LeCun 1998): two conv + pooling blocks, two dense layers, then the classes.'),
      filters: z.tuple([positiveInt, positiveInt]).default([6, 16]).describe('Filters of the two conv layers and units of the two dense layers (LeCun 1998: 6,16,120,84).'),
      dense: z.tuple([positiveInt, positiveInt]).default([120, 84]).describe('Units of the two dense layers (LeCun 1998: 120, 84).'),
      dropout: z.number().min(0).lt(1).default(0).describe('Dropout before each dense layer.'),
    })
    .strict(),
  z
    .object({
      arch: z.literal('custom').describe('An explicit list of layers (a JSON-friendly subset of Keras).'),
      layers: z.array(layerSpecSchema).min(1).describe('The layers, input side first; the class layer is added after them.'),
    })
    .strict(),
  ...netModelSpecSchemas,
])
export type ClassifierModelSpec = z.infer<typeof classifierModelSpecSchema>

/** Detector architectures (METHODS D5). */
export const detectionModelSpecSchema = z.discriminatedUnion('arch', [
  /** Detection: the Tiny-YOLO-style teacher (conv + 2×2 pooling blocks, grid blocks, YOLO head). */
  z
    .object({
      arch: z.literal('tinyYolo').describe('Tiny-YOLO-style detector (the teacher of METHODS D5).'),
      filters: z.array(positiveInt).min(1).max(8).default([16, 32, 64]).describe('Filters of each conv + 2×2 pooling block.'),
      gridFilters: z.array(positiveInt).max(8).default([128, 128]).describe('Filters of each grid-resolution conv block before the YOLO head.'),
      batchNorm: z.boolean().default(true).describe('Batch normalisation after each convolution.'),
      anchors: z.number().int().min(1).max(9).default(2).describe('B: anchor priors per cell, chosen by k-means on the training boxes.'),
    })
    .strict(),
  /** Detection: the deep-but-narrow student with dense feature-map stacking (Mehta & Ozturk). */
  z
    .object({
      arch: z.literal('denseStackedStudent').describe('The deep-but-narrow detection student with dense feature-map stacking (Mehta & Ozturk 2018).'),
      filters: z.array(positiveInt).min(1).max(8).default([8, 16, 32]).describe('Filters of each conv + pooling block.'),
      gridBlocks: z.array(z.tuple([positiveInt, positiveInt])).max(8).default([[16, 32], [16, 32]]).describe('Each grid block: [bottleneck filters, output filters].'),
      stackFrom: z.array(z.number().int().min(0)).optional().describe('Indices into `filters` of the blocks whose maps are stacked (default the last two).'),
      bottleneck: positiveInt.default(4).describe('Filters of the 1×1 bottleneck applied to the stacked maps.'),
      fuseFilters: positiveInt.default(32).describe('Filters of the conv that fuses the stacked maps.'),
      batchNorm: z.boolean().default(true).describe('Batch normalisation after each convolution.'),
      anchors: z.number().int().min(1).max(9).default(2).describe('B: anchor priors per cell, chosen by k-means on the training boxes.'),
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
