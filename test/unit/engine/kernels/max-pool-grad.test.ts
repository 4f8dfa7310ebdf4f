/**
 * The wasm `MaxPoolGrad` composite (one-hot of each window's first argmax) against the cpu backend
 * on seeded random shapes: batch 1..6, windows 1..3 (also unequal), 'same'/'valid' padding, sizes
 * that are and are not multiples of the window, 1..7 channels, and overlapping windows. Values are quantised to a few
 * levels so that ties are common, and shifted so that many windows hold only negative values
 * (where the stock wasm kernel passes no gradient; it also picks the last of tied maxima where
 * cpu picks the first). Tolerance: exact up to 1e-6 (a gradient is a copy of
 * one dy value, or a sum of a few where windows overlap).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { expectClose, onBothBackends, randomValues, runKernel } from './backend-compare'

interface Case {
  xShape: [number, number, number, number]
  filterSize: [number, number]
  strides: [number, number]
  pad: 'same' | 'valid'
}

function cases(count: number, seed: number): Case[] {
  const rng = createRng(seed)
  return Array.from({ length: count }, (_, i) => {
    const k: [number, number] = [rng.int(1, 3), rng.int(1, 3)]
    // Every fifth case overlaps (a stride below the window, e.g. 3×3 windows at stride 2).
    const overlapping = i % 5 === 4
    if (overlapping) k[0] = rng.int(2, 3)
    const strides: [number, number] = overlapping
      ? [rng.int(1, k[0] - 1), rng.int(1, Math.max(1, k[1] - 1))]
      : k
    return {
      xShape: [rng.int(1, 6), rng.int(k[0], 11), rng.int(k[1], 11), rng.int(1, 7)],
      filterSize: k,
      strides,
      pad: rng.int(0, 1) ? 'same' : 'valid',
    }
  })
}

/** Values on a coarse grid (ties), mostly negative (all-negative windows). */
function poolInput(n: number, seed: number): Float32Array {
  return randomValues(n, seed).map((v) => Math.round(v * 4) / 4 - 0.5)
}

function maxPoolGrad(c: Case, x: Float32Array, dy: Float32Array, dyShape: number[]): Float32Array {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, c.xShape)
    const y = tf.maxPool(xt, c.filterSize, c.strides, c.pad)
    return Float32Array.from(
      (
        tf
          .engine()
          .runKernel(
            'MaxPoolGrad',
            { dy: tf.tensor(dy, dyShape), input: xt, output: y },
            { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
          ) as tf.Tensor
      ).dataSync(),
    )
  })
}

describe('wasm MaxPoolGrad vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  const all = cases(50, 777)
  it('covers windows 1..3, both paddings, ragged sizes and overlapping windows', () => {
    const kinds = new Set(all.map((c) => `${c.filterSize[0]}:${c.pad}`))
    for (const k of [1, 2, 3])
      for (const p of ['same', 'valid']) expect(kinds.has(`${k}:${p}`)).toBe(true)
    expect(all.some((c) => c.xShape[1] % c.filterSize[0] !== 0)).toBe(true)
    expect(all.some((c) => c.strides[0] < c.filterSize[0])).toBe(true)
  })

  it.each(all.map((c, i) => [i, c] as const))('case %i matches cpu', async (i, c) => {
    const info = tf.backend_util.computePool2DInfo(c.xShape, c.filterSize, c.strides, 1, c.pad)
    const dyShape = [c.xShape[0], info.outHeight, info.outWidth, c.xShape[3]]
    const x = poolInput(
      c.xShape.reduce((a, b) => a * b),
      300 + i,
    )
    const dy = randomValues(
      dyShape.reduce((a, b) => a * b),
      600 + i,
    )
    const { cpu, wasm } = await onBothBackends(() => maxPoolGrad(c, x, dy, dyShape))
    expectClose(wasm, cpu, 1e-6)
  })

  it('passes the gradient through windows of only negative values (the stock kernel drops it)', async () => {
    const x = Float32Array.from([-3, -1, -2, -4, -0.5, -0.5, -7, -9])
    const { cpu, wasm } = await onBothBackends(() =>
      runKernel(
        'MaxPoolGrad',
        {
          dy: { values: Float32Array.from([10, 20]), shape: [1, 1, 2, 1] },
          input: { values: x, shape: [1, 2, 4, 1] },
          output: { values: Float32Array.from([-1, -0.5]), shape: [1, 1, 2, 1] },
        },
        { filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
      ),
    )
    // Window 1: −3 −1 / −0.5 −0.5 → −0.5 first at row 1, col 0; window 2: −2 −4 / −7 −9 → −2.
    expect(Array.from(cpu)).toEqual([0, 0, 20, 0, 10, 0, 0, 0])
    expect(Array.from(wasm)).toEqual(Array.from(cpu))
  })
})
