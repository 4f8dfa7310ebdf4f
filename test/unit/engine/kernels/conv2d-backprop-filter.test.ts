/**
 * The wasm `Conv2DBackpropFilter` (the lab's direct SIMD kernel for stride 1 where it is the faster,
 * else the XNNPACK composite) against the cpu backend's reference kernel, on seeded random shapes
 * (batch 1..8, strides 1/2/3, 'same'/'valid'/explicit padding, 1..6 in / 1..8 out channels), plus
 * direct-kernel shapes with 7–16 input channels and 1–13 filters. Tolerance: |wasm − cpu| ≤ 1e-4 · max|cpu| + 1e-6 element-wise (float32 sums of up to
 * ~2,000 products in a different order).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { prefersDirectFilterGrad } from '../../../../src-main/engine/kernels/conv2d-backprop-filter'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { type ConvCase, expectClose, randomPad, randomValues } from './backend-compare'

type Case = ConvCase

function runBackpropFilter(
  c: Case,
  x: Float32Array,
  dy: Float32Array,
  dyShape: number[],
): Float32Array {
  return tf
    .tidy(() => {
      const out = tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor4d(x, c.xShape), dy: tf.tensor(dy, dyShape) },
          {
            strides: c.strides,
            pad: c.pad,
            dataFormat: 'NHWC',
            filterShape: c.filterShape,
          } as unknown as tf.NamedAttrMap,
        ) as tf.Tensor
      return out.dataSync() as Float32Array
    })
    .slice()
}

function randomCases(count: number, seed: number): Case[] {
  const rng = createRng(seed)
  const cases: Case[] = []
  for (let i = 0; i < count; i++) {
    const k = [rng.int(1, 5), rng.int(1, 5)]
    const h = rng.int(k[0], 14)
    const w = rng.int(k[1], 14)
    const stride = rng.int(1, 3)
    const pad = randomPad(rng)
    cases.push({
      xShape: [rng.int(1, 8), h, w, rng.int(1, 6)],
      filterShape: [k[0], k[1], 0, rng.int(1, 8)],
      strides: [stride, stride === 3 ? rng.int(1, 3) : stride],
      pad,
    })
    cases[i].filterShape[2] = cases[i].xShape[3]
  }
  return cases
}

describe('wasm Conv2DBackpropFilter vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  const rng = createRng(99)
  const wide: Case[] = Array.from({ length: 8 }, (_, i) => ({
    xShape: [rng.int(1, 3), rng.int(6, 12), rng.int(12, 20), rng.int(7, 16)],
    filterShape: [3, 3, 0, (i % 13) + 1 + (i > 3 ? 8 : 0)],
    strides: [1, 1],
    pad: 'same',
  }))
  for (const c of wide) c.filterShape[2] = c.xShape[3]
  const cases = [...randomCases(60, 20240601), ...wide]
  it.each(cases.map((c, i) => [i, c] as const))('case %i matches cpu', async (i, c) => {
    const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad)
    const dyShape = [c.xShape[0], info.outHeight, info.outWidth, c.filterShape[3]]
    const x = randomValues(
      c.xShape.reduce((a, b) => a * b),
      1000 + i,
    )
    const dy = randomValues(
      dyShape.reduce((a, b) => a * b),
      2000 + i,
    )
    await tf.setBackend('cpu')
    const expected = runBackpropFilter(c, x, dy, dyShape)
    await tf.setBackend('wasm')
    const actual = runBackpropFilter(c, x, dy, dyShape)
    expectClose(actual, expected)
  })

  it('covers both forms (direct kernel and composite)', () => {
    const direct = cases.map((c) =>
      prefersDirectFilterGrad(
        tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad),
      ),
    )
    expect(direct.filter(Boolean).length).toBeGreaterThanOrEqual(20)
    expect(direct.filter((d) => !d).length).toBeGreaterThanOrEqual(20)
    for (const c of wide) {
      expect(
        prefersDirectFilterGrad(
          tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, 1, c.pad),
        ),
      ).toBe(true)
    }
  })

  it('covers every stride and padding kind', () => {
    const kinds = new Set(
      cases.map((c) => `${c.strides[0]}:${typeof c.pad === 'string' ? c.pad : 'explicit'}`),
    )
    for (const s of [1, 2, 3])
      for (const p of ['same', 'valid', 'explicit']) expect(kinds.has(`${s}:${p}`)).toBe(true)
  })

  it('is what tf.grad of a wasm conv2d uses, and leaves no tensors behind', async () => {
    await tf.setBackend('wasm')
    const x = tf.tensor4d(randomValues(2 * 9 * 9 * 3, 7), [2, 9, 9, 3])
    const w = tf.tensor4d(randomValues(3 * 3 * 3 * 4, 8), [3, 3, 3, 4])
    const before = tf.memory().numTensors
    const g = tf.grad((f: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, 2, 'same'))),
    )(w)
    const wasmGrad = g.dataSync().slice()
    g.dispose()
    expect(tf.memory().numTensors).toBe(before)
    await tf.setBackend('cpu')
    const gc = tf.grad((f: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, 2, 'same'))),
    )(w)
    expectClose(wasmGrad as Float32Array, gc.dataSync() as Float32Array)
    tf.dispose([gc, x, w])
    await tf.setBackend('wasm')
  })
})
