/** The sweep of a spec: grid axes over dotted paths, and the seeds. */
import { z } from 'zod'

/** A dotted path into the spec, e.g. `method.temperature` or `training.learningRate`. */
const dottedPath = z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/, 'must be a dotted path like method.temperature')

/**
 * How deeply a grid value may nest arrays and objects. A whole method or model object needs a
 * handful of levels; a deeper value is refused before anything walks it recursively (expansion
 * copies and compares grid values, and a value 10,000 deep would overflow the stack).
 */
export const MAX_GRID_VALUE_DEPTH = 32

/** True when `value` nests deeper than `max`; counted with a stack of its own, never recursion. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue
    if (next.depth >= max) return true
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 })
  }
  return false
}

const gridValue = z
  .unknown()
  .refine((v) => !nestsDeeperThan(v, MAX_GRID_VALUE_DEPTH), {
    message: `nested more than ${MAX_GRID_VALUE_DEPTH} levels deep; a grid value is a number, a string or a small object`,
  })

export const sweepSpecSchema = z
  .object({
    grid: z.record(dottedPath, z.array(gridValue).min(1)).default({}).describe('Grid axes: every combination of the listed values is one configuration.'),
    seeds: z.array(z.number().int().min(0)).min(1).default([0]).describe('Each configuration runs once per seed.'),
  })
  .strict()
export type SweepSpec = z.infer<typeof sweepSpecSchema>
