/** Every method a spec can name: one file per kind, joined here into the `method` union. */
import { z } from 'zod'
import { detectDistillMethodSchema, detectMethodSchema } from './detect'
import { distillMethodSchema } from './distill'
import { magnitudeMethodSchema } from './magnitude'
import { pruneMethodSchema } from './prune'
import { quantizeMethodSchema } from './quantize'
import { sensitivityMethodSchema } from './sensitivity'
import { singhMethodSchema } from './singh'
import { trainMethodSchema } from './train'
import { slimmingMethodSchema } from './slimming'

export * from './detect'
export * from './distill'
export * from './groups'
export * from './magnitude'
export * from './prune'
export * from './quantize'
export * from './sensitivity'
export * from './singh'
export * from './slimming'
export * from './train'

export const methodSpecSchema = z.discriminatedUnion('kind', [
  trainMethodSchema,
  distillMethodSchema,
  pruneMethodSchema,
  singhMethodSchema,
  magnitudeMethodSchema,
  slimmingMethodSchema,
  sensitivityMethodSchema,
  quantizeMethodSchema,
  detectMethodSchema,
  detectDistillMethodSchema,
])
export type MethodSpec = z.infer<typeof methodSpecSchema>

export type PruneFamilyMethod = Extract<MethodSpec, { parent: unknown }>
