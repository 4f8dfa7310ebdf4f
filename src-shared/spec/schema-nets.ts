/**
 * The standard image networks a spec can name by builder (issue 16 item 2): CIFAR-style ResNet
 * (He et al. 2016, §4.2), VGG with batch norm (Simonyan & Zisserman 2015) and MobileNetV2 (Sandler
 * et al. 2018). Each is a functional graph of ordinary Keras layers with stable names, built by
 * `engine/models/build-nets.ts` from the plan of `engine/models/net-plan.ts`.
 */
import { z } from 'zod'
import { positiveInt } from './zod-common'

const widthMultiplier = z.number().gt(0).max(4).default(1).describe('Scales every width (rounded as the architecture does).')
const dropout = z.number().min(0).lt(1).default(0).describe('Dropout before the classifier.')

export const netModelSpecSchemas = [
  /** ResNet-(6n+2) for small images: 3×3 stem, `widths.length` stages of n basic blocks, GAP, dense. */
  z
    .object({
      arch: z.literal('resnet').describe('CIFAR-style ResNet-(6n+2) (He et al. 2016 §4.2) with projection shortcuts at stage changes.'),
      /** Layers with weights: 2·n·stages + 2 (8, 20, 32, 56, 110 for three stages). */
      depth: z.number().int().min(4).max(1202).default(20).describe('Layers with weights: 2·n·stages + 2 (8, 20, 32, 56, 110 for three stages).'),
      /** Channels of each stage; every stage after the first halves the image (stride 2). */
      widths: z.array(positiveInt.max(4096)).min(1).max(6).default([16, 32, 64]).describe('Channels of each stage; every stage after the first halves the image.'),
    })
    .strict(),
  /** VGG-11 / VGG-16 with batch norm after every conv, 'same' 2×2 pooling, GAP and a small head. */
  z
    .object({
      arch: z.literal('vgg').describe('VGG with batch norm (Simonyan & Zisserman 2015), global average pooling and a small head.'),
      depth: z.union([z.literal(11), z.literal(16)]).default(16).describe('VGG-11 or VGG-16.'),
      /** Scales every conv width (64…512) and the head's units. */
      widthMultiplier,
      /** Hidden dense layers of the classifier head (before the logits), scaled by widthMultiplier. */
      head: z.array(positiveInt.max(65_536)).max(3).default([512]).describe('Hidden dense layers of the classifier head, scaled by widthMultiplier.'),
      dropout,
    })
    .strict(),
  /** MobileNetV2 with the CIFAR strides (stem stride 1, the 24-channel stage at stride 1). */
  z
    .object({
      arch: z.literal('mobilenetv2').describe('MobileNetV2 (Sandler et al. 2018): inverted residuals with depthwise 3×3, CIFAR strides.'),
      /** Scales every width (rounded to a multiple of 8, as in the paper); the last 1×1 conv grows only above 1. */
      widthMultiplier,
      /** Expansion factor t of the inverted residual blocks after the first (6 in the paper). */
      expansion: positiveInt.max(16).default(6).describe('Expansion factor t of the inverted residual blocks after the first (6 in the paper).'),
      /** Channels of the last 1×1 conv before pooling (1280 in the paper). */
      lastChannels: positiveInt.max(8192).default(1280).describe('Channels of the last 1×1 conv before pooling (1280 in the paper).'),
      /** Stride of the stem convolution: 1 (CIFAR) or 2 (ImageNet's); 2 quarters the cost of the full-resolution blocks. */
      stemStride: z
        .union([z.literal(1), z.literal(2)])
        .optional()
        .describe("Stride of the first 3×3 conv: 1 as on CIFAR, 2 as on ImageNet (a quarter of the early blocks' work at 28×28 or 32×32) [1]."),
      dropout,
    })
    .strict(),
] as const

export type NetModelSpec = z.infer<(typeof netModelSpecSchemas)[number]>

/** Archs built as functional graphs by the net builders. */
export const NET_ARCHS = ['resnet', 'vgg', 'mobilenetv2'] as const
export const isNetModel = <M extends { arch: string }>(m: M): m is Extract<M, { arch: (typeof NET_ARCHS)[number] }> =>
  (NET_ARCHS as readonly string[]).includes(m.arch)
