/**
 * The experiment spec: one JSON document per launch (DESIGN §3).
 *
 * The same zod schema validates CLI/server/IPC input and generates the JSON Schema used by the
 * docs and the launch form (`specJsonSchema`). Every object is strict: an unknown field is an
 * error that names the field, so a typo never silently falls back to a default.
 */
import { z } from 'zod'
import { datasetSpecSchema } from './schema-data'
import { modelSpecSchema } from './schema-models'
import { methodSpecSchema } from './methods/index'
import { sweepSpecSchema } from './schema-sweep'
import { trainingSpecSchema } from './schema-training'

export * from './schema-data'
export * from './schema-models'
export * from './schema-nets'
export * from './schema-image-data'
export * from './schema-training'
export * from './schema-sources'
export * from './methods/index'
export * from './schema-sweep'

export const experimentSpecSchema = z
  .object({
    version: z.literal(1).default(1).describe('Version of the spec format (1).'),
    name: z.string().min(1).max(200).describe('Name of the experiment, shown in the runs table and the exports.'),
    description: z.string().max(10_000).optional().describe('Free text about the experiment.'),
    dataset: datasetSpecSchema.describe('The data the runs train and test on.'),
    model: modelSpecSchema.describe('The model the experiment produces (the student, for distillation).'),
    training: trainingSpecSchema.default(trainingSpecSchema.parse({})).describe('Training settings of the runs (a teacher or parent may override some).'),
    method: methodSpecSchema.default({ kind: 'train' }).describe('What each run does: train, distil, prune (several methods) or detect.'),
    sweep: sweepSpecSchema.default(sweepSpecSchema.parse({})).describe('Grid axes over dotted paths and the seeds: one run per combination and seed.'),
    tags: z.array(z.string().min(1).max(64)).max(50).default([]).describe('Tags given to every run of the experiment.'),
  })
  .strict()

/** The spec as written by a user (defaults not yet applied). */
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>
/** The spec after validation, every default applied. */
export type ExperimentSpec = z.infer<typeof experimentSpecSchema>

/** JSON Schema of the spec, for the docs and the launch form. */
export function specJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(experimentSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
}
