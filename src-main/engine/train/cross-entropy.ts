import * as tf from '@tensorflow/tfjs'
import type { TrainLoss } from './train-loss'

/**
 * Mean softmax cross-entropy of integer labels, through TF.js' fused softmaxCrossEntropy (its
 * gradient is softmax − one-hot directly, not the chain through log and softmax).
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, logits.shape[1])
    return tf.losses.softmaxCrossEntropy(oneHot, logits, undefined, 0, tf.Reduction.MEAN) as tf.Scalar
  })
}

/** The plain supervised objective as a training-loop plug-in. */
export const crossEntropyLoss: TrainLoss = {
  name: 'cross-entropy',
  compute: (logits, labels) => crossEntropy(logits, labels),
}
