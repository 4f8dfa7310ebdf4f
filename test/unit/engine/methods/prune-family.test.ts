/**
 * Methods `singh`, `magnitude`, `slimming` and `sensitivity` end to end on 400 real digits, from
 * parents trained by the `train` executor in this file (no mocks).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { executeRun } from '../../../../src-main/engine/run'
import { sparseImport } from '../../../../src-main/engine/prune/sparse-export'
import { BN_NET, filesOf, pruneJob, pruneMethod, PRUNED_RESULT_KEYS, recordingSink, runConfig, runPruning, SMALL_LENET, trainParent, type Recorded } from './prune-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-prune-family-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let lenet: string
let bnNet: string
beforeAll(async () => {
  lenet = (await trainParent(root, SMALL_LENET, 1)).path
  bnNet = (await trainParent(root, BN_NET, 2)).path
})

const run = (id: number, model: typeof SMALL_LENET, spec: Record<string, unknown>, parentPath: string): Promise<Recorded> =>
  runPruning(root, id, model, spec, parentPath)

const unitsOf = (layers: { units: number | null }[]): number => layers.reduce((a, l) => a + (l.units ?? 0), 0)

describe('pruning-family executors', () => {
  it('singh: L1 training, a validation-chosen threshold, l/l+1 selection, a smaller retrained model', async () => {
    const got = await run(10, SMALL_LENET, { kind: 'singh', l1: 0.002, sparsityEpochs: 1, retrainEpochs: 1, cutoff: 0.8, tolerance: 0.05 }, lenet)
    const r = got.results[0]
    for (const key of [...PRUNED_RESULT_KEYS, 'removed', 'phases']) expect(r[key], key).toBeTypeOf('number')
    expect(r.phases).toBe(4)
    expect(r.removed).toBeGreaterThan(0)
    expect(r.params).toBeLessThan(r['parent.params'])
    expect(r.compression).toBeCloseTo(r['parent.params'] / r.params, 9)
    const [before, after] = got.layers.map((l) => l.layers)
    expect(unitsOf(before) - unitsOf(after)).toBe(r.removed)
    // One point per phase (from the last layer first) with its threshold, and training under prefixes.
    expect(got.metrics.filter((p) => p.key === 'threshold').map((p) => p.step)).toEqual([1, 2, 3, 4])
    expect(got.metrics.filter((p) => p.key === 'threshold').every((p) => p.value >= 0)).toBe(true)
    expect(got.metrics.filter((p) => p.key === 'sparsity.train.loss').map((p) => p.step)).toEqual([1, 3, 5, 7])
    expect(got.metrics.filter((p) => p.key === 'retrain.train.loss').map((p) => p.step)).toEqual([2, 4, 6, 8])
    expect(r.epochs).toBe(8)
    expect(got.logs.some((l) => /phase 1 \(dense_Dense2\): threshold/.test(l))).toBe(true)
  })

  it('singh refuses unknown and repeated phase layers before any training', async () => {
    const { sink, got } = recordingSink()
    const spec = { kind: 'singh', phases: [['dense_Dense2'], ['dense_Dense1', 'dense_Dense2']] }
    await expect(executeRun(pruneJob(root, 11, runConfig(SMALL_LENET, pruneMethod(spec)), lenet), sink)).rejects.toThrow(
      "method.phases: layer 'dense_Dense2' is in more than one phase",
    )
    await expect(
      executeRun(pruneJob(root, 12, runConfig(SMALL_LENET, pruneMethod({ kind: 'singh', phases: [['fc9']] })), lenet), recordingSink().sink),
    ).rejects.toThrow(/^method\.phases\[0\]: unknown layer 'fc9'; prunable layers: /)
    expect(got.metrics).toEqual([])
    expect(filesOf(root, 11)).toEqual([])
  })

  it('magnitude: AGP masks reach the final sparsity; the sparse export is the real, smaller size', async () => {
    const got = await run(20, SMALL_LENET, { kind: 'magnitude', finalSparsity: 0.8, steps: 4, frequency: 3, finalEpochs: 1 }, lenet)
    const r = got.results[0]
    for (const key of [...PRUNED_RESULT_KEYS, 'sparsity', 'sparse.bytes', 'sparse.compression']) expect(r[key], key).toBeTypeOf('number')
    expect(r.sparsity).toBeCloseTo(0.8, 3)
    // Masks do not shrink the dense model: same params, fewer non-zero ones, a smaller sparse file.
    expect(r.params).toBe(r['parent.params'])
    expect(r.compression).toBe(1)
    expect(r['params.nonzero']).toBeLessThan(0.3 * r['parent.params'])
    expect(r['sparse.bytes']).toBeLessThan(r['parent.sparse.bytes'])
    const sparse = got.artifacts.find((a) => a.kind === 'sparse-model')
    expect(sparse?.bytes).toBe(r['sparse.bytes'])
    const decoded = sparseImport(new Uint8Array(readFileSync(sparse?.path as string)))
    const nonZero = decoded.reduce((a, w) => a + w.values.filter((v) => v !== 0).length, 0)
    expect(nonZero).toBe(r['params.nonzero'])
    // The AGP schedule, eq. (1): s_t at t = 0, 3, 6, 9, 12 (s_i = 0, s_f = 0.8, n = 4, Δt = 3).
    const s = got.metrics.filter((p) => p.key === 'sparsity')
    expect(s.map((p) => p.step)).toEqual([0, 3, 6, 9, 12])
    s.forEach((p, i) => expect(p.value).toBeCloseTo(0.8 * (1 - (1 - i / 4) ** 3), 3))
  })

  it('slimming: L1 on BN scales, the smallest |γ| channels removed globally, fine-tuned', async () => {
    const got = await run(30, BN_NET, { kind: 'slimming', lambda: 1e-3, sparsityEpochs: 1, ratio: 0.4, finalEpochs: 1 }, bnNet)
    const r = got.results[0]
    for (const key of [...PRUNED_RESULT_KEYS, 'removed', 'pruned.test.accuracy']) expect(r[key], key).toBeTypeOf('number')
    // 6 + 24 = 30 BN-scaled channels, floor(0.4 · 30) = 12 removed.
    expect(r.removed).toBe(12)
    expect(r['units.after']).toBe(18)
    expect(r.params).toBeLessThan(r['parent.params'])
    const [before, after] = got.layers.map((l) => l.layers)
    expect(unitsOf(before.filter((l) => l.kind !== 'batchNorm')) - unitsOf(after.filter((l) => l.kind !== 'batchNorm'))).toBe(12)
  })

  it('slimming refuses a parent without BatchNorm, saying which model and how to add it', async () => {
    const { sink, got } = recordingSink()
    await expect(executeRun(pruneJob(root, 31, runConfig(SMALL_LENET, pruneMethod({ kind: 'slimming' })), lenet), sink)).rejects.toThrow(
      /^the parent model \(lenet5 \(filters \[4, 8\], dense \[32, 16\]\)\) has no BatchNormalization after a prunable layer: .*use a custom model with a batchNorm layer after each conv2d\/dense layer/,
    )
    expect(got.metrics).toEqual([])
    expect(filesOf(root, 31)).toEqual([])
  })

  it('sensitivity: each layer alone at each ratio, as metrics, results and a CSV table; no model saved', async () => {
    const got = await run(40, SMALL_LENET, { kind: 'sensitivity', criterion: 'l1', ratios: [0.75, 0.25, 0.5] }, lenet)
    const r = got.results[0]
    const layers = ['conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1', 'dense_Dense2']
    expect(r['sensitivity.layers']).toBe(4)
    expect(r['sensitivity.ratios']).toBe(3)
    for (const layer of layers) {
      const series = got.metrics.filter((p) => p.key === `sensitivity.${layer}`)
      expect(series.map((p) => p.step)).toEqual([25, 50, 75])
      for (const p of series) expect(r[`sensitivity.${layer}@${p.step / 100}`]).toBe(p.value)
    }
    expect(r['test.accuracy']).toBe(r['parent.test.accuracy'])
    expect(got.artifacts.map((a) => a.kind)).toEqual(['table'])
    const csv = readFileSync(got.artifacts[0].path, 'utf8').trim().split('\n')
    expect(csv[0]).toBe('layer,units,ratio,removed,params,test.accuracy,accuracy.change')
    expect(csv).toHaveLength(1 + 12)
    // conv2d_Conv2D1 has 4 filters: 25 % removes 1, 50 % removes 2, 75 % removes 3.
    expect(csv.filter((l) => l.startsWith('conv2d_Conv2D1,')).map((l) => l.split(',')[3])).toEqual(['1', '2', '3'])
    expect(existsSync(join(root, 'run-40', 'model'))).toBe(false)
  })
})
