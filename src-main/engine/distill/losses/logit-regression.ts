/**
 * Logit regression — Ba & Caruana, NIPS 2014, "Do Deep Nets Really Need to be Deep?" (METHODS D2).
 * The student regresses the teacher's pre-softmax logits: L = (1/2N) Σ_n ‖z_s(n) − z_t(n)‖².
 */
import * as tf from '@tensorflow/tfjs'

/** Ba & Caruana 2014, eq. (1): half the mean over the batch of the squared L2 distance of logits. */
export function logitRegressionLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const diff = tf.sub(studentLogits, teacherLogits)
    return tf.mul(tf.mean(tf.sum(tf.square(diff), 1)), 0.5) as tf.Scalar
  })
}
