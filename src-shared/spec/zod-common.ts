/** Small zod building blocks shared by the spec's schema files. */
import { z } from 'zod'

export const positiveInt = z.number().int().positive()
export const probability = z.number().min(0).max(1)
