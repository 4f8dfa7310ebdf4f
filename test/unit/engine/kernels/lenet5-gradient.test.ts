/**
 * A full LeNet-5 gradient (all 10 weight tensors, cross-entropy on 16 real digits) on wasm — with
 * the lab's kernels — against the cpu backend. Tolerance per tensor: 1e-4 · max|cpu| + 1e-6.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { loadMnist10k } from '../../../../src-main/engine/data/mnist-10k'
import { lenet5Gradients } from '../../../helpers/lenet5-gradients'
import { expectClose } from './backend-compare'

describe('LeNet-5 gradient, wasm vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('matches on every weight tensor', async () => {
    const data = loadMnist10k({ testFraction: 0.2, splitSeed: 0, trainLimit: 16 })
    const gradients = (): Float32Array[] =>
      lenet5Gradients(11, () => ({
        x: tf.tensor4d(data.train.x, [16, 28, 28, 1]),
        y: tf.tensor1d(data.train.y, 'int32'),
      }))
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
