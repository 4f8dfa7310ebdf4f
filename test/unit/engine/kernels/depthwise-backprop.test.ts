/**
 * The wasm depthwise-conv gradients (the lab's direct kernels) against the cpu backend's kernels on
 * seeded random shapes (batch 1..4, strides 1/2, dilations 1/2 at stride 1, 'same'/'valid', 1..40
 * channels, multiplier 1..3, MobileNetV2's multiplier 1 in half the cases: the SIMD kernel, and
 * the JS loops it falls back to where SIMD is absent). Tolerance:
 * |wasm − cpu| ≤ 1e-4 · max|cpu| + 1e-6 element-wise.
 */
import * as tf from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { depthwiseBackpropFilter, depthwiseBackpropInput } from '../../../../src-main/engine/kernels/depthwise-backprop'
import { simdKernels } from '../../../../src-main/engine/kernels/simd/simd-instance'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { expectClose, randomValues } from './backend-compare'

interface Case {
  xShape: [number, number, number, number]
  filterShape: [number, number, number, number]
  stride: number
  dilation: number
  pad: 'same' | 'valid'
}

function cases(count: number, seed: number): Case[] {
  const rng = createRng(seed)
  return Array.from({ length: count }, () => {
    const k = rng.int(1, 4)
    const c = rng.next() < 0.3 ? rng.int(6, 40) : rng.int(1, 5)
    const stride = rng.int(1, 2)
    const dilation = stride === 1 && k > 1 && rng.next() < 0.3 ? 2 : 1
    const span = (k - 1) * dilation + 1
    return {
      xShape: [rng.int(1, 4), rng.int(span, 12), rng.int(span, 12), c] as [
        number,
        number,
        number,
        number,
      ],
      filterShape: [k, k, c, rng.next() < 0.5 ? 1 : rng.int(2, 3)] as [number, number, number, number],
      stride,
      dilation,
      pad: rng.next() < 0.5 ? ('same' as const) : ('valid' as const),
    }
  })
}

function gradients(
  c: Case,
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  dyShape: number[],
): Float32Array[] {
  return tf.tidy(() => {
    const attrs = { strides: c.stride, pad: c.pad, dilations: c.dilation }
    const dw = tf
      .engine()
      .runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x: tf.tensor4d(x, c.xShape), dy: tf.tensor(dy, dyShape) },
        { ...attrs, filterShape: c.filterShape } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor
    const dx = tf
      .engine()
      .runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy: tf.tensor(dy, dyShape), filter: tf.tensor4d(w, c.filterShape) },
        { ...attrs, inputShape: c.xShape } as unknown as tf.NamedAttrMap,
      ) as tf.Tensor
    return [dw.dataSync().slice() as Float32Array, dx.dataSync().slice() as Float32Array]
  })
}

describe('wasm depthwise conv gradients vs cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it.each(cases(40, 77).map((c, i) => [i, c] as const))(
    'case %i: filter and input gradients match',
    async (i, c) => {
      const info = tf.backend_util.computeConv2DInfo(
        c.xShape,
        c.filterShape,
        c.stride,
        c.dilation,
        c.pad,
        undefined,
        true,
      )
      const dyShape = [
        c.xShape[0],
        info.outHeight,
        info.outWidth,
        c.filterShape[2] * c.filterShape[3],
      ]
      const x = randomValues(
        c.xShape.reduce((a, b) => a * b),
        10 + i,
      )
      const w = randomValues(
        c.filterShape.reduce((a, b) => a * b),
        20 + i,
      )
      const dy = randomValues(
        dyShape.reduce((a, b) => a * b),
        30 + i,
      )
      await tf.setBackend('cpu')
      const [dwCpu, dxCpu] = gradients(c, x, w, dy, dyShape)
      await tf.setBackend('wasm')
      const [dwWasm, dxWasm] = gradients(c, x, w, dy, dyShape)
      expectClose(dwWasm, dwCpu)
      expectClose(dxWasm, dxCpu)
    },
  )

  it('multiplier 1 runs the SIMD kernel here, and the JS loops it falls back to agree with cpu', async () => {
    const backend = tf.backend() as unknown as BackendWasm
    expect(typeof simdKernels(backend, 'depthwiseGrad')?.depthwiseGrad).toBe('function')
    for (const [i, c] of cases(40, 77).entries()) {
      if (c.filterShape[3] !== 1) continue
      const info = tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, c.stride, c.dilation, c.pad, undefined, true)
      const dyShape = [c.xShape[0], info.outHeight, info.outWidth, c.filterShape[2]]
      const x = randomValues(c.xShape.reduce((a, b) => a * b), 10 + i)
      const w = randomValues(c.filterShape.reduce((a, b) => a * b), 20 + i)
      const dy = randomValues(dyShape.reduce((a, b) => a * b), 30 + i)
      const [dwWasm, dxWasm] = gradients(c, x, w, dy, dyShape)
      const [dwJs, dxJs] = tf.tidy(() => {
        const t = (v: Float32Array, s: number[]): tf.Tensor => tf.tensor(v, s)
        const info = (v: tf.Tensor): tf.TensorInfo => ({ dataId: v.dataId, shape: v.shape, dtype: v.dtype })
        const attrs = { strides: c.stride, pad: c.pad, dilations: c.dilation }
        const dwOut = depthwiseBackpropFilter(backend, info(t(x, c.xShape)), info(t(dy, dyShape)), { ...attrs, filterShape: c.filterShape }, false)
        const dxOut = depthwiseBackpropInput(backend, info(t(dy, dyShape)), info(t(w, c.filterShape)), { ...attrs, inputShape: c.xShape }, false)
        const read = (o: tf.TensorInfo): Float32Array => {
          const v = (backend.readSync(o.dataId) as Float32Array).slice()
          backend.disposeData(o.dataId)
          return v
        }
        return [read(dwOut), read(dxOut)]
      })
      expectClose(dwJs, dwWasm)
      expectClose(dxJs, dxWasm)
    }
  })
})
