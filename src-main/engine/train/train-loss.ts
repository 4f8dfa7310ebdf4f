import type * as tf from '@tensorflow/tfjs'

/** What a loss sees of the current batch besides logits and labels. */
export interface BatchExtras {
  /** The (augmented) inputs the model saw. */
  x: tf.Tensor
  /** What `prepare` computed for this batch (e.g. `teacherLogits`). */
  prepared: Record<string, tf.Tensor>
}

/**
 * A training objective, plugged into the one training loop. `prepare` runs outside the gradient
 * tape (so a teacher's forward pass costs no gradient memory); `compute` runs on the tape and
 * returns the batch mean. Both run inside the loop's tidy: they need not dispose what they make.
 */
export interface TrainLoss {
  name: string
  prepare?(x: tf.Tensor): Record<string, tf.Tensor>
  compute(logits: tf.Tensor2D, labels: tf.Tensor1D, extras: BatchExtras): tf.Scalar
}
