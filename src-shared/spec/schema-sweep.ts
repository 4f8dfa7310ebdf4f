/** The sweep of a spec: grid axes over dotted paths, and the seeds. */
import { z } from 'zod'

/** A dotted path into the spec, e.g. `method.temperature` or `training.learningRate`. */
const dottedPath = z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/, 'must be a dotted path like method.temperature')

export const sweepSpecSchema = z
  .object({
    /** Grid axes: every combination of the listed values is one configuration. */
    grid: z.record(dottedPath, z.array(z.unknown()).min(1)).default({}),
    /** Each configuration runs once per seed. */
    seeds: z.array(z.number().int().min(0)).min(1).default([0]),
  })
  .strict()
export type SweepSpec = z.infer<typeof sweepSpecSchema>
