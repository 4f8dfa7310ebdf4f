/**
 * Knowledge distillation — Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural
 * Network" (METHODS D4):
 *
 *   L = α · T² · CE(softmax(z_t / T), softmax(z_s / T)) + (1 − α) · CE(onehot(y), softmax(z_s))
 *
 * averaged over the batch, with CE(p, q) = −Σ_i p_i log q_i. The T² factor keeps the soft term's
 * gradients, which scale as 1/T², comparable across temperatures (paper, §2). Both terms go through
 * TF.js' fused softmax cross-entropy (soft labels allowed), whose gradient is q − p directly.
 */
import * as tf from '@tensorflow/tfjs'

export interface HintonArgs {
  /** Softmax temperature T of the soft targets (> 0). */
  temperature: number
  /** Weight α of the soft-target term; 1 − α weighs the hard-label term. */
  alpha: number
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
    const mean = tf.Reduction.MEAN
    const softTargets = tf.softmax(tf.div(teacherLogits, T))
    const soft = tf.losses.softmaxCrossEntropy(softTargets, tf.div(studentLogits, T), undefined, 0, mean)
    const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, studentLogits.shape[1])
    const hard = tf.losses.softmaxCrossEntropy(oneHot, studentLogits, undefined, 0, mean)
    return tf.add(tf.mul(soft, alpha * T * T), tf.mul(hard, 1 - alpha)) as tf.Scalar
  })
}
