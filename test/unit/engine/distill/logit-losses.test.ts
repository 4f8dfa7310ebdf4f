import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { logitRegressionLoss } from '../../../../src-main/engine/distill/losses/logit-regression'
import { noisyTeacherLoss, perturbTeacherLogits } from '../../../../src-main/engine/distill/losses/noisy-teacher'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('logitRegressionLoss (Ba & Caruana 2014)', () => {
  it('matches the hand-computed value', () => {
    // Sample 1: diff (1, -2, 0.5) → 1 + 4 + 0.25 = 5.25; sample 2: diff (0, 3, -1) → 0 + 9 + 1 = 10.
    // L = (1/(2·2)) · (5.25 + 10) = 3.8125.
    const s = tf.tensor2d([[2, 0, 1.5], [1, 4, 0]])
    const t = tf.tensor2d([[1, 2, 1], [1, 1, 1]])
    expect(logitRegressionLoss(s, t).dataSync()[0]).toBeCloseTo(3.8125, 6)
  })

  it('has gradient (z_s − z_t)/N', () => {
    const s = tf.tensor2d([[2, 0, 1.5], [1, 4, 0]])
    const t = tf.tensor2d([[1, 2, 1], [1, 1, 1]])
    const g = tf.grad((x: tf.Tensor) => logitRegressionLoss(x as tf.Tensor2D, t))(s)
    const expected = [0.5, -1, 0.25, 0, 1.5, -0.5]
    Array.from(g.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6))
  })
})

describe('noisy teacher (Sau & Balasubramanian 2016)', () => {
  it('perturbs about α of the samples with multiplicative noise of variance σ²', () => {
    const n = 4000
    const k = 10
    const z = tf.fill([n, k], 2) as tf.Tensor2D
    const out = perturbTeacherLogits(z, { alpha: 0.3, sigma2: 0.1, seed: 7 })
    const data = out.arraySync()
    let perturbed = 0
    const ratios: number[] = []
    for (const row of data) {
      if (row.some((v) => Math.abs(v - 2) > 1e-7)) {
        perturbed++
        for (const v of row) ratios.push(v / 2 - 1)
      }
    }
    // Binomial(4000, 0.3): sd ≈ 29, so ±120 is > 4 sd.
    expect(Math.abs(perturbed - 0.3 * n)).toBeLessThan(120)
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length
    const variance = ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / ratios.length
    expect(Math.abs(mean)).toBeLessThan(0.01)
    expect(variance).toBeGreaterThan(0.09)
    expect(variance).toBeLessThan(0.11)
  })

  it('is reproducible for a seed and equals logit regression when α = 0', () => {
    const z = tf.randomNormal([8, 5], 0, 1, 'float32', 3) as tf.Tensor2D
    const s = tf.randomNormal([8, 5], 0, 1, 'float32', 4) as tf.Tensor2D
    const a = perturbTeacherLogits(z, { alpha: 0.5, sigma2: 0.1, seed: 11 }).dataSync()
    const b = perturbTeacherLogits(z, { alpha: 0.5, sigma2: 0.1, seed: 11 }).dataSync()
    expect(Array.from(a)).toEqual(Array.from(b))
    const plain = logitRegressionLoss(s, z).dataSync()[0]
    expect(noisyTeacherLoss(s, z, { alpha: 0, sigma2: 0.1, seed: 1 }).dataSync()[0]).toBeCloseTo(plain, 6)
  })

  it('does not leak tensors', () => {
    const z = tf.randomNormal([8, 5]) as tf.Tensor2D
    const s = tf.randomNormal([8, 5]) as tf.Tensor2D
    const before = tf.memory().numTensors
    noisyTeacherLoss(s, z, { alpha: 0.5, sigma2: 0.1, seed: 1 }).dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
