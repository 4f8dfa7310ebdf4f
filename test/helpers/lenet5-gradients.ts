/**
 * Cross-entropy gradients of every trainable weight of a fresh, seeded LeNet-5 on one batch, read
 * back to the host: what the kernel audits compare between backends. Not a test file (the wasm
 * threads child process imports it too, outside vitest).
 */
import * as tf from '@tensorflow/tfjs'
import { buildModel } from '../../src-main/engine/models/build-model'
import { crossEntropy } from '../../src-main/engine/train/cross-entropy'
import { modelSpecSchema } from '../../src-shared/spec/schema'

export function lenet5Gradients(seed: number, batch: () => { x: tf.Tensor; y: tf.Tensor }): Float32Array[] {
  return tf.tidy(() => {
    const model = buildModel(modelSpecSchema.parse({ arch: 'lenet5' }), [28, 28, 1], 10, seed)
    const { x, y } = batch()
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
    const { grads } = tf.variableGrads(
      () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y as tf.Tensor1D),
      vars,
    )
    const out = vars.map((v) => Float32Array.from(grads[v.name].dataSync()))
    model.dispose()
    return out
  })
}
