/**
 * The wasm `Conv2DBackpropInput` in both forms (matrix product + SIMD col2im where the input has
 * ≥ 1.5× the output's positions, else a forward conv on the spread, padded dy) against the cpu
 * backend, on seeded random shapes: batch 1..8, strides 1/2/3 (also unequal), 'same'/'valid'/
 * explicit padding, kernels 1..5, 1..6 / 1..8 channels. Tolerance 1e-4 · max|cpu| + 1e-6. And a
 * dy that does not fit the forward geometry: larger is read as cpu reads it, smaller is refused.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { prefersCol2im } from '../../../../src-main/engine/kernels/conv2d-backprop-input'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import {
  type ConvCase,
  expectClose,
  onBothBackends,
  randomPad,
  randomValues,
  runKernel,
} from './backend-compare'

type Case = ConvCase

function cases(count: number, seed: number): Case[] {
  const rng = createRng(seed)
  return Array.from({ length: count }, () => {
    const k: [number, number] = [rng.int(1, 5), rng.int(1, 5)]
    const pad = randomPad(rng)
    const s = rng.int(1, 3)
    const ci = rng.int(1, 6)
    return {
      xShape: [rng.int(1, 8), rng.int(k[0], 13), rng.int(k[1], 13), ci],
      filterShape: [k[0], k[1], ci, rng.int(1, 8)],
      strides: [s, s === 3 ? rng.int(1, 3) : s],
      pad,
    }
  })
}

describe('wasm Conv2DBackpropInput vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  const all = cases(50, 4242)
  it('covers strides 1, 2, 3 and every padding kind', () => {
    const kinds = new Set(
      all.map((c) => `${c.strides[0]}:${typeof c.pad === 'string' ? c.pad : 'explicit'}`),
    )
    for (const s of [1, 2, 3])
      for (const p of ['same', 'valid', 'explicit']) expect(kinds.has(`${s}:${p}`)).toBe(true)
    const forms = new Set(
      all.map((c) =>
        prefersCol2im(
          tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad),
        ),
      ),
    )
    expect(forms).toEqual(new Set([true, false]))
  })

  it.each(all.map((c, i) => [i, c] as const))('case %i matches cpu', async (i, c) => {
    const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad)
    const dyShape = [c.xShape[0], info.outHeight, info.outWidth, c.filterShape[3]]
    const dy = randomValues(
      dyShape.reduce((a, b) => a * b),
      500 + i,
    )
    const w = randomValues(
      c.filterShape.reduce((a, b) => a * b),
      900 + i,
    )
    const { cpu, wasm } = await onBothBackends(() =>
      runKernel(
        'Conv2DBackpropInput',
        { dy: { values: dy, shape: dyShape }, filter: { values: w, shape: c.filterShape } },
        { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape },
      ),
    )
    expectClose(wasm, cpu)
  })
})

type Shape4 = [number, number, number, number]

describe('wasm Conv2DBackpropInput with a dy that does not fit the forward geometry', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  // conv2dTranspose to 4×4 through a 3×3 'valid' filter: the forward geometry has a 2×2 output
  // (col2im form); with 'same' a 4×4 one (forward-conv form). dy has one row and column more (and
  // one example more): cpu reads only the rows, columns and examples the geometry has.
  it.each([
    ['valid', true, 0],
    ['same', false, 0],
    ['valid', true, 1],
    ['same', false, 1],
  ] as const)(
    '%s (col2im form: %s, %i more examples): the extra rows are ignored as on cpu',
    async (pad, col2im, moreExamples) => {
      const outputShape: Shape4 = [2, 4, 4, 3]
      const filterShape: Shape4 = [3, 3, 3, 2]
      const info = tf.backend_util.computeConv2DInfo(outputShape, filterShape, [1, 1], 1, pad)
      expect(prefersCol2im(info)).toBe(col2im)
      const dyShape: Shape4 = [2 + moreExamples, info.outHeight + 1, info.outWidth + 1, 2]
      const dy = randomValues(
        dyShape.reduce((a, b) => a * b),
        7,
      )
      const w = randomValues(
        filterShape.reduce((a, b) => a * b),
        8,
      )
      const { cpu, wasm } = await onBothBackends(() =>
        tf.tidy(() => {
          const x = tf.tensor4d(dy, dyShape)
          const out = tf.conv2dTranspose(x, tf.tensor4d(w, filterShape), outputShape, 1, pad)
          return Float32Array.from(out.dataSync())
        }),
      )
      expectClose(wasm, cpu)
    },
  )

  it('refuses a dy smaller than the forward geometry, naming both shapes', () => {
    const dy = tf.zeros([1, 1, 2, 2]) as tf.Tensor4D
    const filter = tf.zeros([3, 3, 3, 2]) as tf.Tensor4D
    expect(() => tf.conv2dTranspose(dy, filter, [1, 4, 4, 3], 1, 'valid')).toThrow(
      'Conv2DBackpropInput: dy has shape [1,1,2,2], smaller than the [1,2,2,2] of the forward conv',
    )
    tf.dispose([dy, filter])
  })
})
