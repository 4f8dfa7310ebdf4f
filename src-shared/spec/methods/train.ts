import { z } from 'zod'
import { importedModelSchema, runModelSchema } from '../schema-sources'

/**
 * Method `train`: the spec's model trained from its initialisation, or — with `from` — a model
 * imported as a TF.js layers `model.json` (or an earlier run's) trained further on the run's data.
 */
export const trainMethodSchema = z
  .object({
    kind: z.literal('train'),
    /** Train this model further instead of building the spec's `model` (its layers, its weights). */
    from: z.discriminatedUnion('source', [importedModelSchema, runModelSchema]).optional(),
  })
  .strict()
