/**
 * Labelled and unlabelled examples in one batch. A transfer set mixes examples with labels (the
 * training split) and examples without (MUNGE/RANDOM synthetic examples, unlabelled data); the
 * latter carry the label `UNLABELLED` (−1) and contribute only the teacher terms of a loss — as in
 * Mehta & Ozturk 2018 ("unlabeled images: teacher terms only", METHODS D5).
 */
import * as tf from '@tensorflow/tfjs'

/** The label of an example that has none (its hard-label term is masked out). */
export const UNLABELLED = -1

/** 1 for each labelled example (label ≥ 0), 0 for each unlabelled one. */
export function labelledMask(labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.cast(tf.greaterEqual(labels, 0), 'float32') as tf.Tensor1D)
}

/**
 * Mean over the whole batch (N examples, labelled or not) of m_n · CE(onehot(y_n), softmax(z_n)),
 * m_n the labelled mask. Each example weighs 1/N whether labelled or not, so a loss that adds
 * teacher terms over all N keeps one scale. The per-example losses are masked before the mean: the
 * fused softmax cross-entropy's gradient softmax − onehot assumes a one-hot row, so an all-zero row
 * would still pull the logits; a zero weight stops that.
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.cast(labels, 'int32') as tf.Tensor1D
    const mask = labelledMask(y)
    const safe = tf.cast(tf.maximum(y, 0), 'int32') as tf.Tensor1D
    const oneHot = tf.oneHot(safe, logits.shape[1])
    const perExample = tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0, tf.Reduction.NONE) as tf.Tensor1D
    return tf.mean(tf.mul(perExample, mask)) as tf.Scalar
  })
}
