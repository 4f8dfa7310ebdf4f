import { z } from 'zod'
import { importedModelSchema, runModelSchema } from '../schema-sources'

/**
 * Method `train`: the spec's model trained from its initialisation, or — with `from` — a model
 * imported as a TF.js layers `model.json` (or an earlier run's) trained further on the run's data.
 */
export const trainMethodSchema = z
  .object({
    kind: z.literal('train').describe('Train the model on the labels, nothing more.'),
    /** Train this model further instead of building the spec's `model` (its layers, its weights). */
    from: z
      .discriminatedUnion('source', [importedModelSchema, runModelSchema])
      .optional()
      .describe("Train this model further (an imported model.json or an earlier run's) instead of building the spec's model."),
  })
  .strict()
