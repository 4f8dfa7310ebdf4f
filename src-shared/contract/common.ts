/** Input pieces several domains of the contract share. */
import { z } from 'zod'

export const id = z.number().int().positive()

/** Several runs named by id (at most 10,000). */
export const ids = z.array(id).min(1).max(10_000)

/** A flattened parameter or result key such as `method.temperature` or `teacher.model.hidden`. */
export const dottedKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.\-]+$/, 'must be a dotted key like method.temperature')

/** A scalar parameter value as tables show it (arrays and objects as JSON text). */
export type ParamValue = string | number | boolean | null

/** Runs by id, or every run of one experiment (or every run). */
export const runSelection = z
  .object({
    runIds: ids.optional(),
    experimentId: id.optional(),
  })
  .strict()
