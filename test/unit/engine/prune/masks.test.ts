import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import {
  applyMasks,
  disposeMasks,
  magnitudeMasks,
  maskSparsity,
} from '../../../../src-main/engine/prune/masks'
import { nonZeroParameterCount } from '../../../../src-main/engine/prune/measure'
import {
  loadSparseWeights,
  sparseExport,
  sparseImport,
} from '../../../../src-main/engine/prune/sparse-export'
import { removeUnits } from '../../../../src-main/engine/prune/surgery'
import { convChain, mlp, setWeights, weightValues } from './fixtures'

describe('magnitude masks', () => {
  it('per layer: masks exactly round(s·n) smallest |w| of each kernel, ties by position', async () => {
    const model = mlp()
    setWeights(model, 'h1', [
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? -(i + 1) : 0.5)),
      Array(5).fill(0),
    ])
    const masks = await magnitudeMasks(model, { sparsity: 0.3, scope: 'layer', layers: ['h1', 'h2'] })
    // h1: 6 of 20 masked, all among the ten ties at |0.5| (odd positions), the first six of them.
    const m = Array.from(masks.get('h1')?.dataSync() ?? [])
    expect(m.filter((v) => v === 0)).toHaveLength(6)
    expect(m.flatMap((v, i) => (v === 0 ? [i] : []))).toEqual([1, 3, 5, 7, 9, 11])
    expect(Array.from(masks.get('h2')?.dataSync() ?? []).filter((v) => v === 0)).toHaveLength(6) // round(0.3·20)
    expect(await maskSparsity(masks)).toBeCloseTo(12 / 40, 12)
    disposeMasks(masks)
    model.dispose()
  })

  it('global: ranks all kernels together and applying zeroes the weights in place', async () => {
    const model = mlp()
    setWeights(model, 'h1', [Array(20).fill(0.01), Array(5).fill(1)]) // the 20 smallest in the model
    const masks = await magnitudeMasks(model, { sparsity: 20 / (20 + 20 + 12) })
    expect(Array.from(masks.get('h1')?.dataSync() ?? []).every((v) => v === 0)).toBe(true)
    expect(Array.from(masks.get('h2')?.dataSync() ?? []).every((v) => v === 1)).toBe(true)
    const before = await nonZeroParameterCount(model)
    applyMasks(model, masks)
    expect(await nonZeroParameterCount(model)).toBe(before - 20)
    expect(Array.from(model.getLayer('h1').getWeights()[1].dataSync())).toEqual([1, 1, 1, 1, 1]) // biases untouched
    disposeMasks(masks)
    model.dispose()
  })
})

describe('sparse export', () => {
  it('is much smaller than dense float32 at 90% sparsity', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [64], units: 128, name: 'a' }),
        tf.layers.dense({ units: 64, name: 'b' }),
        tf.layers.dense({ units: 10, name: 'c' }),
      ],
    })
    const masks = await magnitudeMasks(model, { sparsity: 0.9 })
    applyMasks(model, masks)
    disposeMasks(masks)
    const denseBytes = model.getWeights().reduce((a, w) => a + 4 * w.size, 0) // 16,906 params
    // Kernels: ~10% of 16,640 weights at 6 bytes + row pointers (65 + 129 + 65)·4 ≈ 11 KB, vs 68 KB.
    expect((await sparseExport(model)).byteLength).toBeLessThan(denseBytes * 0.2)
    model.dispose()
  })

  it('round-trips a sparse model to identical weights', async () => {
    const model = convChain()
    const masks = await magnitudeMasks(model, { sparsity: 0.9 })
    applyMasks(model, masks)
    disposeMasks(masks)
    const bytes = await sparseExport(model)
    const decoded = sparseImport(bytes)
    expect(decoded.map((d) => d.name).slice(0, 3)).toEqual(['c1/0', 'c1/1', 'bn1/0'])
    // Load into a fresh model of the same architecture.
    const copy = await removeUnits(convChain(), {})
    loadSparseWeights(copy, bytes)
    expect(weightValues(copy)).toEqual(weightValues(model))
    copy.dispose()
    model.dispose()
  })

  it('writes dense weights dense (no size blow-up) and rejects foreign bytes', async () => {
    const model = mlp()
    const bytes = await sparseExport(model)
    const denseBytes = model.getWeights().reduce((a, w) => a + 4 * w.size, 0)
    expect(bytes.byteLength - denseBytes).toBeLessThan(1024) // header only
    expect(
      sparseImport(bytes).every((d, i) => d.values.length === model.getWeights()[i].size),
    ).toBe(true)
    expect(() => sparseImport(new Uint8Array(16))).toThrow('bad magic')
    model.dispose()
  })

  it('CSR size is rows·4 + 4 + nnz·(4 + 2) bytes for a sparse kernel', async () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [100], units: 50, useBias: false, name: 'd' })],
    })
    const k = new Float32Array(5000)
    k[7] = 1
    k[4999] = -2
    setWeights(model, 'd', [k])
    const bytes = await sparseExport(model)
    const header = new DataView(bytes.buffer).getUint32(8, true)
    const body = 101 * 4 + 2 * 4 + 2 * 2 // row pointers, values, uint16 column indices
    expect(bytes.byteLength).toBe(((12 + header + 3) & ~3) + ((body + 3) & ~3))
    const back = sparseImport(bytes)[0].values
    expect([back[7], back[4999], back.filter((v) => v !== 0).length]).toEqual([1, -2, 2])
    model.dispose()
  })
})
