/**
 * The wasm matmul wrappers (explicit transpose, then the XNNPACK path) against the cpu backend for
 * every combination of transposeA/transposeB, batched and broadcast shapes, and the fused variant
 * with bias and ReLU (batched fused products also check the bias fix: wasm adds the bias wrongly
 * there). Tolerance 1e-4 · max|cpu| + 1e-6.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { expectClose, onBothBackends, randomValues } from './backend-compare'

describe('wasm BatchMatMul / _FusedMatMul with transposes vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  const shapes: [number[], number[]][] = [
    [
      [7, 5],
      [5, 3],
    ],
    [
      [4, 7, 5],
      [4, 5, 3],
    ],
    [
      [2, 4, 7, 5],
      [1, 5, 3],
    ],
    [
      [64, 33],
      [33, 17],
    ],
  ]
  for (const [aShape, bShape] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`a ${aShape.join('×')} (transposeA ${ta}) · b ${bShape.join('×')} (transposeB ${tb})`, async () => {
          const swap = (s: number[], t: boolean): number[] =>
            t ? [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]] : s
          const a = swap(aShape, ta)
          const b = swap(bShape, tb)
          const av = randomValues(
            a.reduce((x, y) => x * y),
            1,
          )
          const bv = randomValues(
            b.reduce((x, y) => x * y),
            2,
          )
          const { cpu, wasm } = await onBothBackends(() =>
            tf.tidy(() =>
              Float32Array.from(tf.matMul(tf.tensor(av, a), tf.tensor(bv, b), ta, tb).dataSync()),
            ),
          )
          expectClose(wasm, cpu)
          const bias = randomValues(bShape[bShape.length - 1], 3)
          const fused = await onBothBackends(() =>
            tf.tidy(() =>
              Float32Array.from(
                tf.fused
                  .matMul({
                    a: tf.tensor(av, a),
                    b: tf.tensor(bv, b),
                    transposeA: ta,
                    transposeB: tb,
                    bias: tf.tensor1d(bias),
                    activation: 'relu',
                  })
                  .dataSync(),
              ),
            ),
          )
          expectClose(fused.wasm, fused.cpu)
        })
      }
    }
  }
})
