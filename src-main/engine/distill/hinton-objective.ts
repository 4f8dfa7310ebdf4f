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

/**
 * What a Hinton run's `train.loss` is, for its log: the KL form of `losses/hinton.ts` (0 when the
 * student matches the teacher at any T), not the paper's cross-entropy form, which adds the
 * constant α·T²·H(teacher) and has the same gradients.
 */
export function hintonLossNote(args: HintonArgs): string {
  const { temperature: T, alpha } = args
  // 1 − 0.7 is 0.30000000000000004 in floating point: say 0.3.
  const soft = `${alpha}·${T}²`
  const hard = String(Number((1 - alpha).toFixed(6)))
  return (
    `train.loss is the KL form of the Hinton loss, ${soft}·KL(teacher ‖ student) + ` +
    `${hard}·CE(labels): 0 when the student matches the teacher, at any temperature ` +
    `(the cross-entropy form adds ${soft}·H(teacher), a constant; the gradients are the same)`
  )
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
