/**
 * The lab's direct SIMD convolution on wasm (src-main/engine/kernels/conv-forward.ts) against the
 * cpu backend: FusedConv2D and Conv2D through the registered kernels on seeded random shapes with
 * one input channel (the direct path), covering every block width (1–13 filters: wide blocks of
 * 1–4 and narrow blocks of 1–6), row tails of 1–7 positions, height strides 1–3, 'same'/'valid'/
 * explicit padding, bias or none, and the activations it applies itself; then the shapes it leaves
 * to XNNPACK (more input channels, width stride 2, dilation, PReLU) still match.
 */
import * as tf from '@tensorflow/tfjs'
import type { TensorInfo } from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { directConv2d, prefersDirectConv } from '../../../../src-main/engine/kernels/conv-forward'
import { originalKernel } from '../../../../src-main/engine/kernels/kernel-override'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import {
  type ConvCase,
  expectClose,
  onBothBackends,
  randomPad,
  randomValues,
  runKernel,
} from './backend-compare'

interface Case extends ConvCase {
  dilations: [number, number]
  activation: string
  bias: boolean
}

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'leakyrelu']

function cases(count: number, seed: number, inChannels: () => number): Case[] {
  const rng = createRng(seed)
  return Array.from({ length: count }, (_, i) => {
    const k: [number, number] = [rng.int(1, 5), rng.int(1, 5)]
    const pad = randomPad(rng)
    const ci = inChannels()
    return {
      xShape: [rng.int(1, 4), rng.int(k[0], 12), rng.int(k[1], 21), ci],
      // every filter count 1..13 appears (blocks of 8 and 4 positions, 1..6 channels)
      filterShape: [k[0], k[1], ci, (i % 13) + 1],
      strides: [rng.int(1, 3), 1],
      dilations: [1, 1],
      pad,
      activation: ACTIVATIONS[i % ACTIVATIONS.length],
      bias: i % 5 !== 4,
    }
  })
}

function info(c: Case): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.strides, c.dilations, c.pad)
}

function run(
  c: Case,
  i: number,
  kernel: 'FusedConv2D' | 'Conv2D',
): Promise<{ cpu: Float32Array; wasm: Float32Array }> {
  const x = randomValues(
    c.xShape.reduce((a, b) => a * b),
    100 + i,
  )
  const w = randomValues(
    c.filterShape.reduce((a, b) => a * b),
    300 + i,
  )
  const b = randomValues(c.filterShape[3], 700 + i)
  const common = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations }
  return onBothBackends(() =>
    kernel === 'Conv2D'
      ? runKernel(
          'Conv2D',
          { x: { values: x, shape: c.xShape }, filter: { values: w, shape: c.filterShape } },
          common,
        )
      : runKernel(
          'FusedConv2D',
          {
            x: { values: x, shape: c.xShape },
            filter: { values: w, shape: c.filterShape },
            ...(c.bias ? { bias: { values: b, shape: [c.filterShape[3]] } } : {}),
          },
          { ...common, activation: c.activation, leakyreluAlpha: 0.1 },
        ),
  )
}

describe('wasm direct convolution vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  const direct = cases(52, 5150, () => 1)
  it('is registered for Conv2D and FusedConv2D, and these cases take it', () => {
    for (const name of ['Conv2D', 'FusedConv2D']) {
      expect(tf.getKernel(name, 'wasm')?.kernelFunc).not.toBe(originalKernel(name, 'wasm'))
    }
    for (const c of direct) expect(prefersDirectConv(info(c))).toBe(true)
    const tails = new Set(direct.map((c) => info(c).outWidth % 8))
    for (let t = 0; t < 8; t++) expect(tails.has(t)).toBe(true)
    expect(new Set(direct.map((c) => c.strides[0]))).toEqual(new Set([1, 2, 3]))
  })

  it.each(direct.map((c, i) => [i, c] as const))(
    'FusedConv2D case %i matches cpu',
    async (i, c) => {
      const { cpu, wasm } = await run(c, i, 'FusedConv2D')
      expectClose(wasm, cpu)
    },
  )

  it.each(direct.slice(0, 13).map((c, i) => [i, c] as const))(
    'Conv2D case %i matches cpu',
    async (i, c) => {
      const { cpu, wasm } = await run(c, i, 'Conv2D')
      expectClose(wasm, cpu)
    },
  )

  it('directConv2d itself computes the convolution (not the backend kernel behind it)', async () => {
    const c: Case = {
      xShape: [2, 9, 11, 1],
      filterShape: [3, 3, 1, 7],
      strides: [1, 1],
      dilations: [1, 1],
      pad: 'same',
      activation: 'relu',
      bias: true,
    }
    const { cpu } = await run(c, 0, 'FusedConv2D')
    const backend = tf.backend() as unknown as BackendWasm
    const x = tf.tensor(randomValues(2 * 9 * 11, 100), c.xShape)
    const w = tf.tensor(randomValues(63, 300), c.filterShape)
    const b = tf.tensor(randomValues(7, 700), [7])
    const asInfo = (t: tf.Tensor): TensorInfo => ({
      dataId: t.dataId,
      shape: t.shape,
      dtype: t.dtype,
    })
    const out = directConv2d(backend, asInfo(x), asInfo(w), asInfo(b), info(c), 'relu')
    expect(out.shape).toEqual([2, 9, 11, 7])
    const values = Float32Array.from(backend.readSync(out.dataId) as Float32Array)
    backend.disposeData(out.dataId)
    tf.dispose([x, w, b])
    expectClose(values, cpu)
  })

  it('leaves no tensor behind', async () => {
    const c = direct[3]
    await run(c, 3, 'FusedConv2D')
    const before = tf.memory().numTensors
    const bytes = tf.memory().numBytes
    await run(c, 3, 'FusedConv2D')
    expect(tf.memory().numTensors).toBe(before)
    expect(tf.memory().numBytes).toBe(bytes)
  })

  const rng = createRng(77)
  const others: Case[] = [
    ...cases(4, 6160, () => rng.int(2, 5)),
    { ...cases(1, 1, () => 1)[0], strides: [1, 2] },
    {
      ...cases(1, 2, () => 1)[0],
      dilations: [2, 2],
      strides: [1, 1],
      pad: 'valid',
      xShape: [1, 12, 14, 1],
    },
  ]
  it.each(others.map((c, i) => [i, c] as const))(
    'case %i left to XNNPACK matches cpu',
    async (i, c) => {
      expect(prefersDirectConv(info(c))).toBe(false)
      const { cpu, wasm } = await run(c, 40 + i, 'FusedConv2D')
      expectClose(wasm, cpu)
    },
  )

  it('PReLU goes to the backend kernel and matches cpu', async () => {
    const c = direct[0]
    const x = randomValues(
      c.xShape.reduce((a, b) => a * b),
      11,
    )
    const w = randomValues(
      c.filterShape.reduce((a, b) => a * b),
      12,
    )
    const alpha = randomValues(c.filterShape[3], 13)
    const { cpu, wasm } = await onBothBackends(() =>
      runKernel(
        'FusedConv2D',
        {
          x: { values: x, shape: c.xShape },
          filter: { values: w, shape: c.filterShape },
          preluActivationWeights: { values: alpha, shape: [c.filterShape[3]] },
        },
        {
          strides: c.strides,
          pad: c.pad,
          dataFormat: 'NHWC',
          dilations: [1, 1],
          activation: 'prelu',
        },
      ),
    )
    expectClose(wasm, cpu)
  })
})
