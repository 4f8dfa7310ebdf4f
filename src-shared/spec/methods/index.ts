/** Every method a spec can name: one file per kind, joined here into the `method` union. */
import { z } from 'zod'
import { detectDistillMethodSchema, detectMethodSchema } from './detect'
import { distillMethodSchema } from './distill'
import { magnitudeMethodSchema } from './magnitude'
import { pruneMethodSchema } from './prune'
import { sensitivityMethodSchema } from './sensitivity'
import { singhMethodSchema } from './singh'
import { slimmingMethodSchema } from './slimming'

export * from './detect'
export * from './distill'
export * from './magnitude'
export * from './prune'
export * from './sensitivity'
export * from './singh'
export * from './slimming'

export const methodSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('train').describe('Train the model on the labels, nothing more.') }).strict(),
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

export type PruneFamilyMethod = Extract<MethodSpec, { parent: unknown }>
