/**
 * The wasm `Identity` / same-dtype `Cast` as shared references: a clone keeps its values after the
 * original is disposed (and the other way round), the data is freed with the last reference (the
 * backend's buffer count returns to where it was), casts to another dtype convert as on cpu, and
 * a gradient through clones matches cpu.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'

describe('wasm Identity as a shared reference', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('shares the data, keeps it while any reference lives, frees it with the last', () => {
    const buffers = tf.backend().numDataIds()
    const a = tf.tensor([1.5, -2, 3])
    const b = tf.clone(a)
    const c = tf.cast(b, 'float32')
    expect(tf.backend().numDataIds()).toBe(buffers + 1)
    a.dispose()
    expect(Array.from(b.dataSync())).toEqual([1.5, -2, 3])
    b.dispose()
    expect(Array.from(c.dataSync())).toEqual([1.5, -2, 3])
    c.dispose()
    expect(tf.backend().numDataIds()).toBe(buffers)
  })

  it('converts casts to another dtype as cpu does (to bool: x ≠ 0, where stock wasm wrapped bytes)', async () => {
    const casts = (): number[][] =>
      tf.tidy(() => {
        const x = tf.tensor([1.7, -2.2, 0, 256, NaN, -0.5])
        const i = tf.tensor([3, -7, 0, 512], undefined, 'int32')
        return [
          tf.cast(x, 'int32'),
          tf.cast(x, 'bool'),
          tf.cast(i, 'bool'),
          tf.cast(i, 'float32'),
          tf.cast(tf.cast(x, 'bool'), 'float32'),
        ].map((t) => Array.from(t.dataSync()))
      })
    await tf.setBackend('cpu')
    const cpu = casts()
    await tf.setBackend('wasm')
    expect(casts()).toEqual(cpu)
    expect(cpu[1]).toEqual([1, 1, 0, 1, 1, 1])
  })

  it('gives the same gradient as cpu through saved (cloned) activations', async () => {
    const grad = (): number[] =>
      tf.tidy(() => {
        const x = tf.tensor2d([
          [0.5, -1, 2],
          [3, -0.25, 1],
        ])
        const w = tf.variable(
          tf.tensor2d([
            [0.1, 0.2],
            [-0.3, 0.4],
            [0.5, -0.6],
          ]),
        )
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.relu(tf.matMul(x, w)))), [w])
        const out = Array.from(grads[w.name].dataSync())
        w.dispose()
        return out
      })
    await tf.setBackend('cpu')
    const cpu = grad()
    await tf.setBackend('wasm')
    grad().forEach((v, i) => expect(v).toBeCloseTo(cpu[i], 5))
  })
})
