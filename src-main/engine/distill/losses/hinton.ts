/**
 * Knowledge distillation — Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural
 * Network" (METHODS D4):
 *
 *   L = α · T² · KL(softmax(z_t / T) ‖ softmax(z_s / T)) + (1 − α) · CE(onehot(y), softmax(z_s))
 *
 * averaged over the batch, with KL(p ‖ q) = CE(p, q) − H(p), CE(p, q) = −Σ_i p_i log q_i and
 * H(p) = −Σ_i p_i log p_i. The paper writes the soft term as a cross-entropy; the two differ by
 * the teacher's entropy, which does not depend on the student, so the gradients are the same
 * (METHODS D4: "KL and CE of the soft term differ by a constant, both allowed"). The KL form is
 * the one returned (and logged as `train.loss`): it is 0 when the student matches the teacher at
 * any T, where the CE form reads α·T²·H(p) (≈ 452 at T = 20, α = 0.5 on 10 classes), so losses
 * compare across temperatures. The T² factor keeps the soft term's gradients, which scale as
 * 1/T², comparable across temperatures (paper, §2). Both cross-entropies go through TF.js' fused
 * softmax cross-entropy (soft labels allowed), whose gradient is q − p directly; H(p) is a
 * constant of the batch. Unlabelled examples (label −1, `label-mask.ts`) contribute the soft term
 * only; every example weighs 1/N in both terms.
 */
import * as tf from '@tensorflow/tfjs'
import { maskedCrossEntropy } from '../label-mask'

export interface HintonArgs {
  /** Softmax temperature T of the soft targets (> 0). */
  temperature: number
  /** Weight α of the soft-target term; 1 − α weighs the hard-label term. */
  alpha: number
}

/**
 * Hinton 2015, §2: T² · KL(softmax(z_t/T) ‖ softmax(z_s/T)), the batch mean of the soft term,
 * computed as T² · (CE − H(teacher)) so that its gradient is the fused cross-entropy's.
 */
export function softTargetLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const T = temperature
    const scaledTeacher = tf.div(teacherLogits, T)
    const softTargets = tf.softmax(scaledTeacher)
    const crossEntropy = tf.losses.softmaxCrossEntropy(softTargets, tf.div(studentLogits, T), undefined, 0, tf.Reduction.MEAN)
    // H(p) = −Σ p log p, batch mean; no path to the student, so no gradient.
    const entropy = tf.neg(tf.mean(tf.sum(tf.mul(softTargets, tf.logSoftmax(scaledTeacher)), -1)))
    return tf.mul(tf.sub(crossEntropy, entropy), T * T) as tf.Scalar
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
