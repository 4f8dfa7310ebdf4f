/**
 * The wasm `Tile` by block copies against the cpu backend: seeded random shapes of rank 1..5 with
 * 1..3 repetitions per axis (float32, int32, bool), batch norm's [1, 1, 1, C] → [N, H, W, C], and
 * rank 0. Tiling copies values, so they must be equal exactly.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { randomValues } from './backend-compare'

interface Case {
  shape: number[]
  reps: number[]
  dtype: 'float32' | 'int32' | 'bool'
}

function cases(count: number, seed: number): Case[] {
  const rng = createRng(seed)
  const random = Array.from({ length: count }, (_, i) => {
    const shape = Array.from({ length: rng.int(1, 5) }, () => rng.int(1, 4))
    return { shape, reps: shape.map(() => rng.int(1, 3)), dtype: (['float32', 'int32', 'bool'] as const)[i % 3] }
  })
  return [...random, { shape: [1, 1, 1, 24], reps: [8, 6, 6, 1], dtype: 'float32' }, { shape: [], reps: [], dtype: 'float32' }]
}

describe('wasm Tile on the heap vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it('is registered by the lab', () => {
    expect(tf.getKernel('Tile', 'wasm')?.kernelFunc.toString()).toContain('tileOnHeap')
  })

  it.each(cases(40, 5).map((c, i) => [i, c] as const))('case %i matches cpu', async (i, c) => {
    const n = c.shape.reduce((a, b) => a * b, 1)
    const values = Int32Array.from(randomValues(n, i), (v) => Math.round(v * 100))
    const run = (): number[] =>
      tf.tidy(() => {
        const t = tf.tensor(c.dtype === 'bool' ? values.map((v) => (v > 0 ? 1 : 0)) : values, c.shape, c.dtype)
        return Array.from(tf.tile(t, c.reps).dataSync())
      })
    await tf.setBackend('cpu')
    const cpu = run()
    await tf.setBackend('wasm')
    expect(run()).toEqual(cpu)
  })
})
