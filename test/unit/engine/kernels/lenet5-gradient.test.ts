/**
 * A full LeNet-5 gradient (all 10 weight tensors, cross-entropy on 16 real digits) on wasm — with
 * the lab's kernels — against the cpu backend. Tolerance per tensor: 1e-4 · max|cpu| + 1e-6.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { loadMnist10k } from '../../../../src-main/engine/data/mnist-10k'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { crossEntropy } from '../../../../src-main/engine/train/cross-entropy'
import { expectClose } from './backend-compare'

describe('LeNet-5 gradient, wasm vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('matches on every weight tensor', async () => {
    const data = loadMnist10k({ testFraction: 0.2, splitSeed: 0, trainLimit: 16 })
    const gradients = (): Float32Array[] =>
      tf.tidy(() => {
        const model = buildModel(modelSpecSchema.parse({ arch: 'lenet5' }), [28, 28, 1], 10, 11)
        const x = tf.tensor4d(data.train.x, [16, 28, 28, 1])
        const y = tf.tensor1d(data.train.y, 'int32')
        const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
        const { grads } = tf.variableGrads(
          () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y),
          vars,
        )
        const out = vars.map((v) => Float32Array.from(grads[v.name].dataSync()))
        model.dispose()
        return out
      })
    await tf.setBackend('cpu')
    const cpu = gradients()
    await tf.setBackend('wasm')
    const wasm = gradients()
    expect(cpu.length).toBe(10)
    cpu.forEach((g, i) => {
      expect(g.some((v) => v !== 0)).toBe(true)
      expectClose(wasm[i], g)
    })
  })
})
