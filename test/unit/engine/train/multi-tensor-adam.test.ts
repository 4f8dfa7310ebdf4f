/**
 * The multi-tensor Adam against `tf.train.adam`, on the cpu and wasm backends: the same variables
 * (conv-, dense- and bias-shaped), the same random gradients for several steps with a learning
 * rate that changes between steps; the weights must agree to float32 rounding (the arithmetic is
 * the same, element by element). Also: fewer kernel calls, a flat tensor count, and an error when
 * a step names other variables.
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { MultiTensorAdam } from '../../../../src-main/engine/train/multi-tensor-adam'
import { makeOptimizer, setLearningRate } from '../../../../src-main/engine/train/optimizer'
import { randomValues } from '../kernels/backend-compare'

const shapes = [[5, 5, 1, 6], [6], [400, 120], [120], [84, 10], [10]]

function trainWith(make: () => tf.Optimizer, steps: number): Float32Array[] {
  const vars = shapes.map((s, i) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(randomValues(tf.util.sizeFromShape(s), i), s),
        true,
        `v${i}-${Math.random()}`,
      ),
    ),
  )
  const optimizer = make()
  for (let step = 0; step < steps; step++) {
    setLearningRate(optimizer, 0.01 / (step + 1))
    tf.tidy(() => {
      const grads: tf.NamedTensorMap = {}
      vars.forEach(
        (v, i) => (grads[v.name] = tf.tensor(randomValues(v.size, 100 * step + i), v.shape)),
      )
      optimizer.applyGradients(grads)
    })
  }
  const out = vars.map((v) => Float32Array.from(v.dataSync()))
  optimizer.dispose()
  vars.forEach((v) => v.dispose())
  return out
}

describe.each(['cpu', 'wasm'])('MultiTensorAdam on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend)
  })
  afterAll(async () => {
    await selectBackend('wasm')
  })

  it('gives the weights tf.train.adam gives', () => {
    const reference = trainWith(() => tf.train.adam(0.01), 6)
    const fused = trainWith(() => new MultiTensorAdam(0.01), 6)
    reference.forEach((r, i) => {
      let worst = 0
      for (let j = 0; j < r.length; j++) worst = Math.max(worst, Math.abs(r[j] - fused[i][j]))
      expect(worst).toBeLessThanOrEqual(1e-6)
    })
  })

  it('is what makeOptimizer gives for adam, and leaves no tensors behind', () => {
    const before = tf.memory().numTensors
    const optimizer = makeOptimizer({ optimizer: 'adam', learningRate: 1e-3, momentum: 0.9 })
    expect(optimizer).toBeInstanceOf(MultiTensorAdam)
    const v = tf.tidy(() => tf.variable(tf.ones([3, 2])))
    const step = (name: string): void =>
      tf.tidy(() => optimizer.applyGradients({ [name]: tf.ones([3, 2]) }))
    step(v.name)
    const afterFirst = tf.memory().numTensors
    for (let i = 0; i < 3; i++) step(v.name)
    expect(tf.memory().numTensors).toBe(afterFirst)
    expect(() => step('other')).toThrow('same variables')
    optimizer.dispose()
    v.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
