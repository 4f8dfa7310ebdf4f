/** Detection methods: a detector trained on boxes, and detector distillation. */
import { z } from 'zod'
import { singleTeacherSchema } from '../schema-sources'

/** Detection: a detector trained on the boxes with the YOLO loss. */
export const detectMethodSchema = z
  .object({
    kind: z.literal('detect').describe('Train a detector on the boxes with the YOLO loss.'),
    previews: z.number().int().min(0).max(16).default(3).describe('Test images drawn with their predicted boxes as `preview` artifacts.'),
  })
  .strict()

/** Detection distillation (Mehta & Ozturk 2018, METHODS D5). */
export const detectDistillMethodSchema = z
  .object({
    kind: z.literal('detect-distill').describe('Distil a detector from a detector (Mehta & Ozturk 2018, METHODS D5).'),
    teacher: singleTeacherSchema.describe('The teacher detector: trained in the launch, a run, or an imported model.'),
    lambdaD: z.number().min(0).max(100).default(1).describe('λ_D: weight of the distillation terms.'),
    objectnessScaling: z.boolean().default(true).describe("Scale the class and box terms by the teacher's objectness (off: naive output KD)."),
    fmNms: z.boolean().default(true).describe("FM-NMS on the teacher's output before it is used as a target."),
    fmNmsK: z.number().int().min(1).max(15).default(3).describe('K of the K×K FM-NMS neighbourhood.'),
    useUnlabelled: z.boolean().default(false).describe("Also train on the dataset's unlabelled images with the teacher terms only."),
    previews: z.number().int().min(0).max(16).default(3).describe('Test images drawn with their predicted boxes as `preview` artifacts.'),
    baseline: z.boolean().default(true).describe('Also train the student alone on the labels (one run per seed), for comparison.'),
  })
  .strict()
