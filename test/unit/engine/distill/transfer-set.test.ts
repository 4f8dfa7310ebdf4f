/** Transfer-set composition: sizes, label masking, omitted classes, RANDOM ranges, the unlabelled pool. */
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import type { DataSplit } from '../../../../src-main/engine/data/dataset'
import { UNLABELLED } from '../../../../src-main/engine/distill/label-mask'
import { uniformRandomSet } from '../../../../src-main/engine/distill/transfer/random-set'
import { buildTransferSet, withoutClasses } from '../../../../src-main/engine/distill/transfer/transfer-set'
import { unlabelledPool } from '../../../../src-main/engine/distill/transfer/unlabelled-pool'
import { loadMnist10k } from '../../../../src-main/engine/data/mnist-10k'

beforeAll(async () => {
  await selectBackend('cpu')
})

/** n examples of d features: example i has every feature = i, label i mod 3. */
function split(n: number, d: number): DataSplit {
  const x = new Float32Array(n * d)
  for (let i = 0; i < n; i++) x.fill(i, i * d, (i + 1) * d)
  return { x, y: Int32Array.from({ length: n }, (_, i) => i % 3), n }
}

const count = (y: Int32Array, v: number): number => y.filter((l) => l === v).length

describe('buildTransferSet', () => {
  const labelled = split(30, 4)
  const base = { labelled, features: 4, omitClasses: [] as number[], seed: 1 }

  it('train: the labelled split as it is', async () => {
    const t = await buildTransferSet({ ...base, spec: { kind: 'train' } })
    expect(t.split).toBe(labelled)
    expect(t.composition).toEqual({ labelled: 30, synthetic: 0, unlabelled: 0, omitted: 0 })
  })

  it('munge: multiplier × n synthetic examples labelled −1 after the originals', async () => {
    const t = await buildTransferSet({ ...base, spec: { kind: 'munge', p: 0.5, s: 2, multiplier: 3, pcaDims: 0, includeOriginal: true } })
    expect(t.split.n).toBe(30 + 90)
    expect(t.split.x.length).toBe(120 * 4)
    expect(Array.from(t.split.y.slice(0, 30))).toEqual(Array.from(labelled.y))
    expect(count(t.split.y, UNLABELLED)).toBe(90)
    expect(t.composition).toEqual({ labelled: 30, synthetic: 90, unlabelled: 0, omitted: 0 })
    expect(t.mungeSwapRate).toBeGreaterThan(0.4)
    expect(t.mungeSwapRate).toBeLessThan(0.6)
    const only = await buildTransferSet({ ...base, spec: { kind: 'munge', p: 0.5, s: 2, multiplier: 2, pcaDims: 0, includeOriginal: false } })
    expect(only.split.n).toBe(60)
    expect(count(only.split.y, UNLABELLED)).toBe(60)
    expect(only.composition.labelled).toBe(0)
  })

  it('random: uniform examples within each feature range, labelled −1', async () => {
    const t = await buildTransferSet({ ...base, spec: { kind: 'random', multiplier: 2, includeOriginal: true } })
    expect(t.split.n).toBe(90)
    expect(count(t.split.y, UNLABELLED)).toBe(60)
    const synth = t.split.x.subarray(30 * 4)
    expect(Math.min(...synth)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...synth)).toBeLessThanOrEqual(29)
  })

  it('omitClasses drops those classes from the labelled part and from what MUNGE is made of', async () => {
    const t = await buildTransferSet({ ...base, omitClasses: [1], spec: { kind: 'munge', p: 0.5, s: 2, multiplier: 1, pcaDims: 0, includeOriginal: true } })
    expect(t.composition).toEqual({ labelled: 20, synthetic: 20, unlabelled: 0, omitted: 10 })
    expect(count(t.split.y, 1)).toBe(0)
    expect(count(t.split.y, 0) + count(t.split.y, 2)).toBe(20)
    await expect(buildTransferSet({ ...base, omitClasses: [0, 1, 2], spec: { kind: 'train' } })).rejects.toThrow('no labelled examples left')
  })

  it('unlabeled: the pool after the labelled examples, labels hidden, omitted classes dropped, count capped', async () => {
    const pool = split(12, 4)
    const t = await buildTransferSet({ ...base, unlabelledPool: pool, omitClasses: [2], spec: { kind: 'unlabeled', count: 5 } })
    // Labelled: 20 of classes 0 and 1; pool: 8 of classes 0 and 1, the first 5 taken.
    expect(t.composition).toEqual({ labelled: 20, synthetic: 0, unlabelled: 5, omitted: 10 + 4 })
    expect(t.split.n).toBe(25)
    expect(Array.from(t.split.y.slice(20))).toEqual([-1, -1, -1, -1, -1])
    // Pool examples 0, 1, 3, 4, 6 (classes 0, 1, 0, 1, 0) — their features are their indices.
    expect(Array.from(t.split.x.subarray(20 * 4)).filter((_, i) => i % 4 === 0)).toEqual([0, 1, 3, 4, 6])
    const all = await buildTransferSet({ ...base, unlabelledPool: pool, spec: { kind: 'unlabeled' } })
    expect(all.composition.unlabelled).toBe(12)
    await expect(buildTransferSet({ ...base, spec: { kind: 'unlabeled' } })).rejects.toThrow('no examples beyond the training split')
  })

  it('withoutClasses keeps order and features', () => {
    const s = withoutClasses(split(6, 2), [0], 2)
    expect(Array.from(s.y)).toEqual([1, 2, 1, 2])
    expect(Array.from(s.x)).toEqual([1, 1, 2, 2, 4, 4, 5, 5])
  })

  it('uniformRandomSet is reproducible and fills each feature’s range', () => {
    const x = Float32Array.from([0, 10, 1, 20, 0.5, 15])
    const a = uniformRandomSet(x, 3, 2, 2000, 4)
    expect(Array.from(a)).toEqual(Array.from(uniformRandomSet(x, 3, 2, 2000, 4)))
    const f0 = a.filter((_, i) => i % 2 === 0)
    const f1 = a.filter((_, i) => i % 2 === 1)
    expect(Math.min(...f0)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...f0)).toBeLessThanOrEqual(1)
    expect(Math.min(...f1)).toBeGreaterThanOrEqual(10)
    expect(Math.max(...f1)).toBeLessThanOrEqual(20)
    // Uniform: mean near the middle of the range.
    expect(f1.reduce((s, v) => s + v, 0) / f1.length).toBeCloseTo(15, 0)
  })
})

describe('unlabelledPool', () => {
  it('is the training examples after the first trainLimit ones of the same order', () => {
    const spec = { name: 'mnist-10k' as const, testFraction: 0.2, splitSeed: 0, trainLimit: 500 }
    const pool = unlabelledPool(spec, '/nonexistent', 500)
    const full = loadMnist10k({ testFraction: 0.2, splitSeed: 0 })
    expect(pool.n).toBe(8000 - 500)
    expect(Array.from(pool.y.slice(0, 20))).toEqual(Array.from(full.train.y.slice(500, 520)))
    expect(pool.x[784 * 3 + 400]).toBe(full.train.x[784 * 503 + 400])
    expect(unlabelledPool({ ...spec, trainLimit: undefined }, '/nonexistent', 8000).n).toBe(0)
  })
})
