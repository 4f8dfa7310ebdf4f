/**
 * The training-loop plug-in for Hinton distillation: per batch, the teacher's logits on the same
 * (augmented) inputs, in inference mode (no dropout) and outside the gradient tape; then
 * `hintonLoss` on the student's logits (unlabelled examples: soft term only).
 */
import type * as tf from '@tensorflow/tfjs'
import type { TrainLoss } from '../train/train-loss'
import { type HintonArgs, hintonLoss } from './losses/hinton'
import { modelLogits, type Teacher } from './teacher'

/** Teacher logits for a batch; reshapes the batch when the teacher takes the same values flat. */
export function teacherLogits(teacher: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return modelLogits(teacher, x)
}

/** A single model or a loaded (ensemble) teacher, as a logits function. */
export type TeacherSource = tf.LayersModel | Teacher

export function logitsFunction(teacher: TeacherSource): (x: tf.Tensor) => tf.Tensor2D {
  return 'members' in teacher ? (x) => teacher.logits(x) : (x) => modelLogits(teacher, x)
}

/** The prepared teacher logits of a batch, or a clear error when `prepare` did not run. */
export function preparedTeacherLogits(prepared: Record<string, tf.Tensor>, objective: string): tf.Tensor2D {
  const t = prepared.teacherLogits
  if (!t) throw new Error(`${objective} objective: teacher logits were not prepared`)
  return t as tf.Tensor2D
}

/** Distillation from `teacher` with the Hinton loss as a training objective. */
export function hintonObjective(teacher: TeacherSource, args: HintonArgs): TrainLoss {
  const logits = logitsFunction(teacher)
  return {
    name: `hinton T=${args.temperature} α=${args.alpha}`,
    prepare: (x) => ({ teacherLogits: logits(x) }),
    compute: (studentLogits, labels, extras) =>
      hintonLoss(studentLogits, preparedTeacherLogits(extras.prepared, 'hinton'), labels, args),
  }
}
