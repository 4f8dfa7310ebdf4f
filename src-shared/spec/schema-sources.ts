/** Where the models a run reads come from: a distillation's teachers and a pruning run's parent. */
import { z } from 'zod'
import { pathField } from './path-field'
import { modelSpecSchema } from './schema-models'
import { trainingOverridesSchema } from './schema-training'
import { positiveInt } from './zod-common'

/** A model of an earlier run, by id. */
export const runModelSchema = z
  .object({ source: z.literal('run').describe('The model an earlier run saved.'), runId: positiveInt.describe('Id of that run.') })
  .strict()
/** A TF.js layers-format `model.json` (weights beside it); relative paths resolve in the data folder. */
export const importedModelSchema = z
  .object({
    source: z.literal('import').describe('A TF.js layers-format model file.'),
    path: pathField('file', 'The model.json (weights beside it); relative paths resolve in the data folder.'),
  })
  .strict()
const trainedTeacherSchema = z
  .object({
    source: z.literal('train').describe('Trained in the same launch, before the runs that need it.'),
    model: modelSpecSchema.describe('Architecture of the teacher.'),
    training: trainingOverridesSchema.optional().describe("Teacher training settings; fields left out fall back to the experiment's `training`."),
  })
  .strict()
export const singleTeacherSchema = z.discriminatedUnion('source', [trainedTeacherSchema, runModelSchema, importedModelSchema])

/** Where the teacher of a distillation comes from; an ensemble averages its members' logits. */
export const teacherSpecSchema = z.discriminatedUnion('source', [
  trainedTeacherSchema,
  runModelSchema,
  importedModelSchema,
  z
    .object({
      source: z.literal('ensemble').describe("An ensemble: the members' logits are averaged."),
      members: z.array(singleTeacherSchema).min(2).max(16).describe('The teachers of the ensemble (2 to 16).'),
    })
    .strict(),
])
export type TeacherSpec = z.infer<typeof teacherSpecSchema>
export type SingleTeacherSpec = z.infer<typeof singleTeacherSchema>

/** The unpruned model a pruning run starts from: trained in the same launch, or an earlier run. */
export const parentSpecSchema = z.discriminatedUnion('source', [
  z
    .object({
      source: z.literal('train').describe('Trained in the same launch, before the runs that prune it.'),
      training: trainingOverridesSchema.optional().describe("Training of the parent; fields left out fall back to the experiment's `training`."),
    })
    .strict(),
  runModelSchema,
  importedModelSchema,
])
export type ParentSpec = z.infer<typeof parentSpecSchema>


/** The `parent` field of every pruning-family method (default: trained in the same launch). */
export const parentField = parentSpecSchema
  .default({ source: 'train' })
  .describe('The unpruned model the run starts from: trained in the same launch (default), an earlier run, or an imported model.')
