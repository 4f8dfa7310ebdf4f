/**
 * Quantization (METHODS Q1): the parent's kernels stored as int8 (symmetric per output channel),
 * uint8 (affine per tensor) or float16; activations left in float or quantized to uint8 with ranges
 * calibrated on training examples; optional quantization-aware training with a straight-through
 * estimator. Every run also reports the model exported to ONNX (QDQ) as ONNX Runtime runs it.
 */
import { z } from 'zod'
import { parentSpecSchema } from '../schema-sources'
import { positiveInt } from '../zod-common'
import { magnitudeMethodSchema } from './magnitude'
import { pruneMethodSchema } from './prune'
import { singhMethodSchema } from './singh'
import { slimmingMethodSchema } from './slimming'

/**
 * The methods a stage can run before quantization: the pruning family (each with its own parent,
 * trained, an earlier run or imported). prune → distil from the unpruned parent → quantize is a
 * `prune` stage with `recover: distill`.
 */
export const stageMethodSchema = z.discriminatedUnion('kind', [pruneMethodSchema, singhMethodSchema, magnitudeMethodSchema, slimmingMethodSchema])

/** A quantize run's parent: as a pruning run's (train, run, import), or a whole stage of its own. */
export const quantizeParentSchema = z
  .discriminatedUnion('source', [...parentSpecSchema.options, z.object({ source: z.literal('stage'), method: stageMethodSchema }).strict()])
  .default({ source: 'train' })

const calibrationSchema = z
  .object({
    /** Training examples the activation ranges are read from (at most the training split). */
    examples: positiveInt.max(100_000).default(256).describe('Training examples the activation ranges are read from.'),
    method: z.enum(['minmax', 'percentile']).default('minmax').describe('Activation ranges from the minimum and maximum seen, or from percentiles.'),
    /** With method percentile: the range covers the p-th and (100 − p)-th percentiles. */
    percentile: z.number().gt(50).max(100).optional().describe('With method percentile: the range covers the p-th and (100 − p)-th percentiles.'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.method === 'percentile' && c.percentile === undefined) ctx.addIssue({ code: 'custom', path: ['percentile'], message: 'calibration method percentile needs a percentile, e.g. 99.99' })
    if (c.method !== 'percentile' && c.percentile !== undefined) ctx.addIssue({ code: 'custom', path: ['percentile'], message: 'percentile applies only with calibration method percentile' })
  })

const quantizeFields = {
  kind: z.literal('quantize').describe('Quantize a parent model (METHODS Q1): int8, uint8 or float16 weights, optionally calibrated int8 activations.'),
  parent: quantizeParentSchema,
  scheme: z.enum(['int8', 'uint8', 'float16']).default('int8').describe('int8: symmetric per output channel; uint8: affine per tensor; float16.'),
  activations: z.enum(['none', 'static']).default('none').describe('none: weights only; static: activations quantized with calibrated ranges.'),
  calibration: calibrationSchema.default({ examples: 256, method: 'minmax' }).describe('How activation ranges are calibrated (activations: static).'),
  /** Epochs of quantization-aware training (fake quantization, straight-through gradients); 0 = post-training only. */
  qatEpochs: z.number().int().min(0).max(1000).default(0).describe('Epochs of quantization-aware training (fake quantization, straight-through gradients); 0 = post-training only.'),
}

export const quantizeMethodSchema = z
  .object(quantizeFields)
  .strict()
  .superRefine((m, ctx) => {
    if (m.qatEpochs > 0 && m.scheme === 'float16') {
      ctx.addIssue({ code: 'custom', path: ['qatEpochs'], message: 'quantization-aware training needs scheme int8 or uint8 (float16 loses too little to train back)' })
    }
    if (m.activations === 'none' && m.calibration.method !== 'minmax') {
      ctx.addIssue({ code: 'custom', path: ['calibration'], message: 'calibration applies only with activations: static (weights need none)' })
    }
  })

/** A quantize method's settings (everything but where its parent comes from). */
export type QuantizeSettings = Omit<z.infer<typeof quantizeMethodSchema>, 'parent'>
