import * as tf from '@tensorflow/tfjs'
import { crossEntropy } from './cross-entropy'

export interface Evaluation {
  /** Mean softmax cross-entropy. */
  loss: number
  accuracy: number
  /** Misclassified examples (as Hinton et al. report MNIST results). */
  errors: number
  n: number
}

/** The input shape of one example of a model (no batch dimension). */
export function modelInputShape(model: tf.LayersModel): number[] {
  return model.inputs[0].shape.slice(1).map((d) => d ?? 1)
}

/** Sums of the loss and correct predictions of one batch of logits (on device, no read). */
export function batchSums(logits: tf.Tensor2D, labels: tf.Tensor1D): { loss: tf.Scalar; correct: tf.Scalar } {
  return tf.tidy(() => ({
    loss: tf.mul(crossEntropy(logits, labels), labels.shape[0]) as tf.Scalar,
    correct: tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(labels, 'int32')), 'float32')) as tf.Scalar,
  }))
}

/**
 * Loss, accuracy and error count of a model (inference mode: no dropout) on examples `x`
 * (n × the model's input size, row-major) with integer labels `y`. Batched; the sums stay on the
 * device and are read once at the end.
 */
export async function evaluate(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array,
  options: { batchSize?: number; inputShape?: number[] } = {},
): Promise<Evaluation> {
  const inputShape = options.inputShape ?? modelInputShape(model)
  const features = inputShape.reduce((a, b) => a * b, 1)
  if (x.length !== y.length * features) {
    throw new Error(`evaluate: ${x.length} values are not ${y.length} examples of shape [${inputShape.join(', ')}]`)
  }
  return evaluateLogits((xb) => model.apply(xb, { training: false }) as tf.Tensor2D, x, y, inputShape, options.batchSize)
}

/** Loss, accuracy and errors of any logits function on labelled examples (batched, on device). */
export async function evaluateLogits(
  logits: (x: tf.Tensor) => tf.Tensor2D,
  x: Float32Array,
  y: Int32Array,
  inputShape: number[],
  batchSize = 500,
): Promise<Evaluation> {
  const features = inputShape.reduce((a, b) => a * b, 1)
  const n = y.length
  if (n === 0) return { loss: NaN, accuracy: NaN, errors: 0, n: 0 }
  let loss = tf.scalar(0)
  let correct = tf.scalar(0)
  try {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize)
      const [l, c] = tf.tidy(() => {
        const xb = tf.tensor(x.slice(start * features, end * features), [end - start, ...inputShape])
        const sums = batchSums(logits(xb), tf.tensor1d(y.slice(start, end), 'int32'))
        return [tf.add(loss, sums.loss), tf.add(correct, sums.correct)]
      })
      loss.dispose()
      correct.dispose()
      loss = l as tf.Scalar
      correct = c as tf.Scalar
    }
    const [l, c] = await Promise.all([loss.data(), correct.data()])
    return { loss: l[0] / n, accuracy: c[0] / n, errors: n - Math.round(c[0]), n }
  } finally {
    loss.dispose()
    correct.dispose()
  }
}
