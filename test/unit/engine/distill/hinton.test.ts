/**
 * Hinton, Vinyals & Dean 2015 loss against values computed by hand (numpy, float64):
 *   student logits s = [[1, 2, 0.5], [0.2, −1, 3]], teacher logits t = [[2, 1, 0], [0, 0.5, 2.5]],
 *   labels y = [1, 2], T = 2.
 *   p = softmax(t/T) = [[0.50648039, 0.30719589, 0.18632372], [0.17317911, 0.22236638, 0.6044545]]
 *   q = softmax(s/T) = [[0.29175596, 0.48102426, 0.22721977], [0.1784436, 0.09793192, 0.72362448]]
 *   softmax(s)       = [[0.2312239, 0.62853172, 0.14024438], [0.05635123, 0.01697266, 0.9266761]]
 *   soft CE −Σ p log q per example = [1.12482055, 1.01066623], mean 1.067743391
 *   teacher entropy −Σ p log p     = [1.02019134, 0.94226915], mean 0.981230246
 *   soft KL = CE − H               = [0.10462922, 0.06839707], mean 0.086513145
 *   hard CE −log softmax(s)[y]     = [0.46436878, 0.07615118], mean 0.270259981
 *   L(α) = α·T²·0.086513145 + (1 − α)·0.270259981 (the KL form; the CE form adds α·T²·0.981230246):
 *     α = 0 → 0.270259981, α = 0.5 → 0.308156281, α = 1 → 0.346052581
 *   ∂L/∂s at α = 0.5 = (α·T·(q − p) + (1 − α)(softmax(s) − onehot(y))) / N
 *     = [[−0.04955624, −0.00595288, 0.05550912], [0.01672005, −0.05797406, 0.04125401]]
 * Float32 tolerance: 1e-5 absolute.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { maskedCrossEntropy } from '../../../../src-main/engine/distill/label-mask'
import { hintonLoss } from '../../../../src-main/engine/distill/losses/hinton'
import { crossEntropy } from '../../../../src-main/engine/train/cross-entropy'

const S = [[1, 2, 0.5], [0.2, -1, 3]]
const Tl = [[2, 1, 0], [0, 0.5, 2.5]]
const Y = [1, 2]

function loss(alpha: number, temperature = 2): number {
  return tf.tidy(() =>
    hintonLoss(tf.tensor2d(S), tf.tensor2d(Tl), tf.tensor1d(Y, 'int32'), { temperature, alpha }).dataSync()[0],
  )
}

describe('hintonLoss', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  it('matches the hand-computed values for α = 0, 0.5, 1', () => {
    expect(loss(0)).toBeCloseTo(0.270259981, 5)
    expect(loss(0.5)).toBeCloseTo(0.308156281, 5)
    expect(loss(1)).toBeCloseTo(0.346052581, 5)
  })

  it('α = 0 is plain cross-entropy on the labels, whatever T', () => {
    const ce = tf.tidy(() => crossEntropy(tf.tensor2d(S), tf.tensor1d(Y, 'int32')).dataSync()[0])
    expect(ce).toBeCloseTo(0.270259981, 5)
    for (const T of [1, 3, 20]) expect(loss(0, T)).toBeCloseTo(ce, 5)
  })

  it('α = 1 is the T²-scaled soft KL term alone (labels do not matter)', () => {
    const other = tf.tidy(() =>
      hintonLoss(tf.tensor2d(S), tf.tensor2d(Tl), tf.tensor1d([0, 0], 'int32'), { temperature: 2, alpha: 1 }).dataSync()[0],
    )
    expect(other).toBeCloseTo(4 * 0.086513145, 5)
    expect(loss(1)).toBeCloseTo(other, 6)
  })

  it('has the hand-computed gradient with respect to the student logits', () => {
    const g = tf.tidy(() =>
      tf.grad((s: tf.Tensor) =>
        hintonLoss(s as tf.Tensor2D, tf.tensor2d(Tl), tf.tensor1d(Y, 'int32'), { temperature: 2, alpha: 0.5 }),
      )(tf.tensor2d(S)).arraySync() as number[][],
    )
    const expected = [[-0.04955624, -0.00595288, 0.05550912], [0.01672005, -0.05797406, 0.04125401]]
    g.flat().forEach((v, i) => expect(v).toBeCloseTo(expected.flat()[i], 5))
  })

  it('keeps the soft gradient scale independent of T (the T² factor, Hinton 2015 §2)', () => {
    // For T ≫ |logits| the soft gradient tends to ((s − mean s) − (t − mean t)) / (C·N); without
    // the T² factor it would shrink as 1/T². Compare T = 50 and T = 100 with that limit (1.5 %).
    const s = [[0.3, -0.2, 0.5], [-0.4, 0.1, 0.2]]
    const t = [[0.1, 0.4, -0.3], [0.2, -0.5, 0.6]]
    const grad = (T: number): number[] =>
      tf.tidy(() =>
        (
          tf.grad((x: tf.Tensor) =>
            hintonLoss(x as tf.Tensor2D, tf.tensor2d(t), tf.tensor1d([0, 1], 'int32'), { temperature: T, alpha: 1 }),
          )(tf.tensor2d(s)).arraySync() as number[][]
        ).flat(),
      )
    const limit = s.flatMap((row, n) => {
      const ms = row.reduce((a, b) => a + b) / 3
      const mt = t[n].reduce((a, b) => a + b) / 3
      return row.map((v, i) => (v - ms - (t[n][i] - mt)) / (3 * 2))
    })
    for (const T of [50, 100]) {
      grad(T).forEach((v, i) => expect(Math.abs(v - limit[i])).toBeLessThan(0.015 * Math.abs(limit[i]) + 1e-4))
    }
  })

  it('is the KL form: ~0 at T = 20 for a student equal to the teacher, where the CE form reads T²·H', () => {
    // Ten classes with teacher logits of a trained-looking spread; at T = 20 the soft targets are
    // nearly uniform, so the CE form would read α·T²·H ≈ 0.5 · 400 · ln 10 ≈ 460.
    const t = [[4, -1, 0.5, 2, -3, 1, 0, -2, 3, 0.2], [-2, 5, 1, 0, -1, 2, -3, 0.5, 1, 0]]
    const value = (alpha: number): number =>
      tf.tidy(() => hintonLoss(tf.tensor2d(t), tf.tensor2d(t), tf.tensor1d([-1, -1], 'int32'), { temperature: 20, alpha }).dataSync()[0])
    expect(Math.abs(value(0.5))).toBeLessThan(1e-3)
    expect(Math.abs(value(1))).toBeLessThan(1e-3)
    const ceForm = tf.tidy(() => {
      const p = tf.softmax(tf.div(tf.tensor2d(t), 20))
      return 0.5 * 400 * tf.losses.softmaxCrossEntropy(p, tf.div(tf.tensor2d(t), 20)).dataSync()[0]
    })
    expect(ceForm).toBeGreaterThan(400)
  })

  it('has the gradients of the CE form (KL = CE − H(teacher), H independent of the student)', () => {
    const s = [[0.3, -0.2, 0.5, 2], [-0.4, 0.1, 0.2, -1]]
    const t = [[1, 0.4, -0.3, 0], [0.2, -0.5, 0.6, 3]]
    const y = tf.tensor1d([2, -1], 'int32')
    for (const [T, alpha] of [[20, 0.5], [2, 1], [4, 0.3]]) {
      const kl = tf.grad((z: tf.Tensor) => hintonLoss(z as tf.Tensor2D, tf.tensor2d(t), y, { temperature: T, alpha }))
      const ce = tf.grad((z: tf.Tensor) => {
        const soft = tf.losses.softmaxCrossEntropy(tf.softmax(tf.div(tf.tensor2d(t), T)), tf.div(z, T))
        return tf.add(tf.mul(soft, alpha * T * T), tf.mul(maskedCrossEntropy(z as tf.Tensor2D, y), 1 - alpha))
      })
      const a = tf.tidy(() => Array.from(kl(tf.tensor2d(s)).dataSync()))
      const b = tf.tidy(() => Array.from(ce(tf.tensor2d(s)).dataSync()))
      expect(a).toEqual(b)
    }
    y.dispose()
  })

  it('rejects a non-positive temperature and α outside [0, 1]', () => {
    expect(() => loss(0.5, 0)).toThrow('temperature must be > 0')
    expect(() => loss(1.5)).toThrow('alpha must be in [0, 1]')
  })
})
