/**
 * The training-loop plug-in for Hinton distillation: per batch, the teacher's logits on the same
 * (augmented) inputs, in inference mode (no dropout) and outside the gradient tape; then
 * `hintonLoss` on the student's logits.
 */
import * as tf from '@tensorflow/tfjs'
import type { TrainLoss } from '../train/train-loss'
import { type HintonArgs, hintonLoss } from './losses/hinton'

/** Teacher logits for a batch; reshapes the batch when the teacher takes the same values flat. */
export function teacherLogits(teacher: tf.LayersModel, x: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const shape = teacher.inputs[0].shape.slice(1).map((d) => d ?? -1)
    const input = shape.join() === x.shape.slice(1).join() ? x : tf.reshape(x, [x.shape[0], ...shape])
    return teacher.apply(input, { training: false }) as tf.Tensor2D
  })
}

/** Distillation from `teacher` with the Hinton loss as a training objective. */
export function hintonObjective(teacher: tf.LayersModel, args: HintonArgs): TrainLoss {
  return {
    name: `hinton T=${args.temperature} α=${args.alpha}`,
    prepare: (x) => ({ teacherLogits: teacherLogits(teacher, x) }),
    compute: (logits, labels, extras) => {
      const t = extras.prepared.teacherLogits
      if (!t) throw new Error('hinton objective: teacher logits were not prepared')
      return hintonLoss(logits, t as tf.Tensor2D, labels, args)
    },
  }
}
