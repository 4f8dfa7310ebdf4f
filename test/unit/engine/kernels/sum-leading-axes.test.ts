/**
 * The wasm `Sum` over leading axes (two average poolings on XNNPACK) against the cpu backend: ranks 2..5,
 * every count of leading axes (given in any order or negative), keepDims on and off,
 * sizes up to a conv layer's bias gradient (64×28×28×6). Other reductions (innermost, middle,
 * all axes, int32) take the original kernel and are checked too. Tolerance: 1e-5 · max|cpu|
 * + 1e-6 (a sum of up to 50,176 terms in float32, in a different order).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { leadingAxesCount } from '../../../../src-main/engine/kernels/sum-leading-axes'
import { expectClose, onBothBackends, randomValues } from './backend-compare'

const cases: { shape: number[]; axis: number[]; keepDims: boolean; dtype?: 'int32' }[] = [
  { shape: [64, 28, 28, 6], axis: [0, 1, 2], keepDims: false },
  { shape: [64, 10, 10, 16], axis: [2, 0, 1], keepDims: true },
  { shape: [128, 256], axis: [0], keepDims: false },
  { shape: [7, 3], axis: [-2], keepDims: true },
  { shape: [5, 4, 3, 2, 3], axis: [0, 1], keepDims: false },
  { shape: [5, 4, 3, 2, 3], axis: [1, 0, 2, 3], keepDims: true },
  { shape: [3, 1, 4], axis: [1, 0], keepDims: false },
  { shape: [6, 5, 4], axis: [2], keepDims: false },
  { shape: [6, 5, 4], axis: [1], keepDims: true },
  { shape: [6, 5, 4], axis: [0, 1, 2], keepDims: false },
  { shape: [6, 5, 4], axis: [0], keepDims: false, dtype: 'int32' },
]

describe('wasm Sum over leading axes vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('recognises leading axes in any order', () => {
    expect(leadingAxesCount([2, 0, 1])).toBe(3)
    expect(leadingAxesCount([0, 0])).toBe(1)
    expect(leadingAxesCount([1])).toBe(0)
    expect(leadingAxesCount([0, 2])).toBe(0)
  })

  it.each(cases.map((c, i) => [i, c] as const))('case %i matches cpu', async (i, c) => {
    const n = c.shape.reduce((a, b) => a * b)
    const values =
      c.dtype === 'int32'
        ? Int32Array.from(randomValues(n, 40 + i), (v) => Math.round(v * 50))
        : randomValues(n, 40 + i)
    const run = (): { shape: number[]; values: Float32Array } =>
      tf.tidy(() => {
        const s = tf.sum(tf.tensor(values, c.shape, c.dtype ?? 'float32'), c.axis, c.keepDims)
        return { shape: s.shape, values: Float32Array.from(s.dataSync()) }
      })
    await tf.setBackend('cpu')
    const cpu = run()
    await tf.setBackend('wasm')
    const wasm = run()
    expect(wasm.shape).toEqual(cpu.shape)
    expectClose(wasm.values, cpu.values, 1e-5)
  })

  it('keeps the tensor count flat', async () => {
    const x = tf.tensor(randomValues(600, 7), [10, 10, 6])
    const before = tf.memory().numTensors
    const { wasm } = await onBothBackends(() =>
      tf.tidy(() => Float32Array.from(tf.sum(x, [0, 1]).dataSync())),
    )
    expect(wasm.length).toBe(6)
    expect(tf.memory().numTensors).toBe(before)
    x.dispose()
  })
})
