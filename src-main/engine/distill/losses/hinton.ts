/**
 * Knowledge distillation — Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural
 * Network" (METHODS D4):
 *
 *   L = α · T² · CE(softmax(z_t / T), softmax(z_s / T)) + (1 − α) · CE(onehot(y), softmax(z_s))
 *
 * averaged over the batch, with CE(p, q) = −Σ_i p_i log q_i. The T² factor keeps the soft term's
 * gradients, which scale as 1/T², comparable across temperatures (paper, §2). Both terms go through
 * TF.js' fused softmax cross-entropy (soft labels allowed), whose gradient is q − p directly.
 * Unlabelled examples (label −1, `label-mask.ts`) contribute the soft term only; every example
 * weighs 1/N in both terms.
 */
import * as tf from '@tensorflow/tfjs'
import { maskedCrossEntropy } from '../label-mask'

export interface HintonArgs {
  /** Softmax temperature T of the soft targets (> 0). */
  temperature: number
  /** Weight α of the soft-target term; 1 − α weighs the hard-label term. */
  alpha: number
}

/** Hinton 2015, §2: T² · CE(softmax(z_t/T), softmax(z_s/T)), the batch mean of the soft term. */
export function softTargetLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const T = temperature
    const softTargets = tf.softmax(tf.div(teacherLogits, T))
    const soft = tf.losses.softmaxCrossEntropy(softTargets, tf.div(studentLogits, T), undefined, 0, tf.Reduction.MEAN)
    return tf.mul(soft, T * T) as tf.Scalar
  })
}

/** The Hinton distillation loss of a batch (mean over examples). */
export function hintonLoss(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  labels: tf.Tensor1D,
  args: HintonArgs,
): tf.Scalar {
  const { temperature: T, alpha } = args
  if (!(T > 0)) throw new Error(`hintonLoss: temperature must be > 0, got ${T}`)
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`hintonLoss: alpha must be in [0, 1], got ${alpha}`)
  return tf.tidy(() => {
    const soft = softTargetLoss(studentLogits, teacherLogits, T)
    const hard = maskedCrossEntropy(studentLogits, labels)
    return tf.add(tf.mul(soft, alpha), tf.mul(hard, 1 - alpha)) as tf.Scalar
  })
}
