/**
 * The wasm `Slice`/`SplitV` on heap views against the cpu backend: seeded random boxes in tensors
 * of rank 1..5 (whole axes, single elements, empty slices, int32 and bool too), and splits along
 * each axis. Slicing copies values, so they must be equal exactly.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { randomValues } from './backend-compare'

interface Case {
  shape: number[]
  begin: number[]
  size: number[]
  dtype: 'float32' | 'int32' | 'bool'
}

function cases(count: number, seed: number): Case[] {
  const rng = createRng(seed)
  return Array.from({ length: count }, (_, i) => {
    const shape = Array.from({ length: rng.int(1, 5) }, () => rng.int(1, 7))
    const begin = shape.map((d) => rng.int(0, d - 1))
    // Some axes whole, some to the end (-1), some a part, the odd one empty.
    const size = shape.map((d, a) => {
      const kind = rng.int(0, 3)
      if (kind === 0) {
        begin[a] = 0
        return d
      }
      if (kind === 1) return -1
      return i % 17 === 16 ? 0 : rng.int(1, d - begin[a])
    })
    return { shape, begin, size, dtype: (['float32', 'int32', 'bool'] as const)[i % 3] }
  })
}

async function onBoth<T>(f: () => T): Promise<{ cpu: T; wasm: T }> {
  await tf.setBackend('cpu')
  const cpu = f()
  await tf.setBackend('wasm')
  return { cpu, wasm: f() }
}

describe('wasm Slice / SplitV on heap views vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it.each(cases(60, 99).map((c, i) => [i, c] as const))(
    'slice case %i matches cpu',
    async (i, c) => {
      const n = c.shape.reduce((a, b) => a * b)
      const values = Int32Array.from(randomValues(n, i), (v) => Math.round(v * 100))
      const { cpu, wasm } = await onBoth(() =>
        tf.tidy(() => {
          const t = tf.tensor(
            c.dtype === 'bool' ? values.map((v) => (v > 0 ? 1 : 0)) : values,
            c.shape,
            c.dtype,
          )
          const s = tf.slice(t, c.begin, c.size)
          return { shape: s.shape, values: Array.from(s.dataSync()) }
        }),
      )
      expect(wasm).toEqual(cpu)
    },
  )

  it('splits along every axis, equal and unequal parts', async () => {
    const shape = [4, 6, 5]
    const values = randomValues(120, 5)
    for (const axis of [0, 1, 2]) {
      for (const parts of [shape[axis] === 5 ? [1, 3, 1] : 2, [1, -1]] as (number | number[])[]) {
        const { cpu, wasm } = await onBoth(() =>
          tf.tidy(() =>
            tf
              .split(tf.tensor(values, shape), parts, axis)
              .map((p) => ({ shape: p.shape, values: Array.from(p.dataSync()) })),
          ),
        )
        expect(wasm).toEqual(cpu)
      }
    }
  })
})
