/** Detection methods: a detector trained on boxes, and detector distillation. */
import { z } from 'zod'
import { singleTeacherSchema } from '../schema-sources'

/** Detection: a detector trained on the boxes with the YOLO loss. */
export const detectMethodSchema = z
  .object({
    kind: z.literal('detect'),
    /** Test images drawn with their predicted boxes as `preview` artifacts. */
    previews: z.number().int().min(0).max(16).default(3),
  })
  .strict()

/** Detection distillation (Mehta & Ozturk 2018, METHODS D5). */
export const detectDistillMethodSchema = z
  .object({
    kind: z.literal('detect-distill'),
    teacher: singleTeacherSchema,
    /** λ_D: weight of the distillation terms. */
    lambdaD: z.number().min(0).max(100).default(1),
    /** Scale the class and box terms by the teacher's objectness (off: naive output KD). */
    objectnessScaling: z.boolean().default(true),
    /** FM-NMS on the teacher's output before it is used as a target. */
    fmNms: z.boolean().default(true),
    /** K of the K×K FM-NMS neighbourhood. */
    fmNmsK: z.number().int().min(1).max(15).default(3),
    /** Also train on the dataset's unlabelled images with the teacher terms only. */
    useUnlabelled: z.boolean().default(false),
    previews: z.number().int().min(0).max(16).default(3),
    /** Also train the student alone on the labels (one run per seed), for comparison. */
    baseline: z.boolean().default(true),
  })
  .strict()
