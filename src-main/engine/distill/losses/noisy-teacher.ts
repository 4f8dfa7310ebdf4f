/**
 * Noisy teacher — Sau & Balasubramanian 2016, arXiv 1610.09650 (METHODS D3).
 * The teacher's logits are perturbed before the student regresses them, which acts as a
 * regulariser (like learning from several teachers): with probability α per sample,
 * z′ = z·(1 + ξ), ξ ~ N(0, σ²), drawn independently for every logit of that sample.
 * Defaults α = 0.5, σ² = 0.1 (from a public re-implementation; the paper's values are unconfirmed).
 */
import * as tf from '@tensorflow/tfjs'
import { logitRegressionLoss } from './logit-regression'

export interface NoisyTeacherArgs {
  /** Probability that a sample's teacher logits are perturbed. */
  alpha: number
  /** Variance σ² of the multiplicative noise ξ. */
  sigma2: number
  /** Seed of this batch's draws (derive it from the run seed and the step for reproducibility). */
  seed: number
}

/** Sau 2016, eq. (3): z′ = z·(1 + ξ) on a random α-fraction of the samples. */
export function perturbTeacherLogits(teacherLogits: tf.Tensor2D, args: NoisyTeacherArgs): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, k] = teacherLogits.shape
    const xi = tf.randomNormal([n, k], 0, Math.sqrt(args.sigma2), 'float32', args.seed)
    // One Bernoulli(α) draw per sample decides whether that sample is perturbed.
    const chosen = tf.cast(tf.less(tf.randomUniform([n, 1], 0, 1, 'float32', args.seed + 1), args.alpha), 'float32')
    return tf.mul(teacherLogits, tf.add(1, tf.mul(xi, chosen))) as tf.Tensor2D
  })
}

/** The noisy-teacher loss: logit regression (Ba & Caruana) on the perturbed teacher logits. */
export function noisyTeacherLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, args: NoisyTeacherArgs): tf.Scalar {
  return tf.tidy(() => logitRegressionLoss(studentLogits, perturbTeacherLogits(teacherLogits, args)))
}
