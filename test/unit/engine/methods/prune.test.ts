/**
 * Method `prune` end to end (METHODS P1/P2) on 400 real digits, from a parent trained by the `train`
 * executor in this file (no mocks): the pruned model is physically smaller and saved, the results
 * compare it with the parent, per-step metrics stream, layer reports come before and after, and
 * bad input fails with one clear message before anything is written.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { executeRun } from '../../../../src-main/engine/run'
import { loadModel } from '../../../../src-main/engine/models/model-files'
import { filesOf, pruneJob, pruneMethod, PRUNED_RESULT_KEYS, recordingSink, runConfig, runPruning, SMALL_LENET, trainParent, type Recorded } from './prune-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-prune-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let parent: { path: string; results: Record<string, number> }
beforeAll(async () => {
  parent = await trainParent(root, SMALL_LENET)
})

const run = (id: number, spec: Record<string, unknown>, parentPath: string | undefined = parent.path): Promise<Recorded> =>
  runPruning(root, id, SMALL_LENET, spec, parentPath)

describe('prune executor', () => {
  it('Taylor to a unit ratio: smaller saved model, parent comparison, per-step metrics, layer reports', async () => {
    const got = await run(2, { kind: 'prune', criterion: 'taylor', target: { ratio: 0.5 }, unitsPerStep: 8, fineTuneSteps: 3, finalEpochs: 1 })
    const r = got.results[0]
    expect(got.results).toHaveLength(1)
    for (const key of [...PRUNED_RESULT_KEYS, 'pruned.test.accuracy', 'removed', 'prune.steps']) expect(r[key], key).toBeTypeOf('number')
    // 60 prunable units (4 + 8 + 32 + 16), half removed in steps of 8: 8, 8, 8, 6.
    expect(r.removed).toBe(30)
    expect(r['prune.steps']).toBe(4)
    expect(r['units.after']).toBe(30)
    expect(r['parent.params']).toBe(8042)
    expect(r['parent.test.accuracy']).toBeCloseTo(parent.results['test.accuracy'], 6)
    expect(r.params).toBeLessThan(r['parent.params'])
    expect(r.compression).toBeCloseTo(r['parent.params'] / r.params, 9)
    expect(r['macs.reduction']).toBeCloseTo(1 - r.macs / r['parent.macs'], 9)
    expect(r.speedup).toBeCloseTo(r['parent.latency.ms'] / r['latency.ms'], 9)
    expect(r['speedup.cpu']).toBeCloseTo(r['parent.latency.cpu.ms'] / r['latency.cpu.ms'], 9)
    expect(r['speedup.layers.cpu']).toBeCloseTo(r['parent.latency.layers.cpu.ms'] / r['latency.layers.cpu.ms'], 9)
    expect(r['accuracy.change']).toBeCloseTo(r['test.accuracy'] - r['parent.test.accuracy'], 9)
    expect(r['serialized.bytes']).toBeLessThan(r['parent.serialized.bytes'])
    expect(r['latency.ms']).toBeGreaterThan(0)
    expect(r['test.accuracy']).toBeGreaterThan(0.3)

    // The saved artifact is the pruned model: it loads and has the reported size.
    const json = got.artifacts.find((a) => a.kind === 'model' && a.path.endsWith('model.json'))
    expect(json).toBeDefined()
    const saved = await loadModel(json?.path as string)
    expect(saved.countParams()).toBe(r.params)
    saved.dispose()

    // Per-layer reports: the same layers before and after, fewer units after in total.
    expect(got.layers.map((l) => l.phase)).toEqual(['before', 'after'])
    const [before, after] = got.layers.map((l) => l.layers)
    expect(after.map((l) => l.name)).toEqual(before.map((l) => l.name))
    const units = (ls: typeof before): number => ls.reduce((a, l) => a + (l.units ?? 0), 0)
    expect(units(before) - units(after)).toBe(30)
    expect(after.reduce((a, l) => a + l.params, 0)).toBe(r.params)

    // One point per step (0 = the parent) for the chart; the final fine-tuning under its own prefix.
    const steps = got.metrics.filter((p) => p.key === 'removed').map((p) => [p.step, p.value])
    expect(steps).toEqual([[0, 0], [1, 8], [2, 16], [3, 24], [4, 30]])
    for (const key of ['test.accuracy', 'params', 'macs', 'latency.ms']) expect(got.metrics.filter((p) => p.key === key)).toHaveLength(5)
    expect(got.metrics.find((p) => p.key === 'params' && p.step === 4)?.value).toBe(r.params)
    expect(got.metrics.some((p) => p.key === 'finetune.test.accuracy' && p.step === 1)).toBe(true)
    expect(got.progress.some((p) => p.phase === 'prune')).toBe(true)
  })

  it('stops at a params target; recovers by distillation from the parent', async () => {
    const got = await run(3, {
      kind: 'prune',
      criterion: 'l1',
      target: { params: 0.4 },
      unitsPerStep: 6,
      fineTuneSteps: 2,
      finalEpochs: 1,
      recover: 'distill',
    })
    const r = got.results[0]
    expect(r.params).toBeLessThanOrEqual(0.4 * r['parent.params'])
    // It stopped at the first step under the target: the step before was still above it.
    const params = got.metrics.filter((p) => p.key === 'params').map((p) => p.value)
    expect(params[params.length - 2]).toBeGreaterThan(0.4 * r['parent.params'])
    expect(got.progress.some((p) => p.phase === 'distill')).toBe(true)
    // Its train.loss is the Hinton loss's KL form, as a distillation run's, and the log says so.
    expect(got.logs.some((l) => l.startsWith('info: recovery: distillation from the parent') && l.includes('KL form'))).toBe(true)
    expect(r.compression).toBeGreaterThanOrEqual(2.5)
  })

  it('roundTo keeps each pruned width at a multiple (per layer) and still stops at the MACs target', async () => {
    const got = await run(6, {
      kind: 'prune',
      criterion: 'l1',
      target: { macs: 0.5 },
      layers: ['conv2d_Conv2D1', 'conv2d_Conv2D2'],
      roundTo: { conv2d_Conv2D1: 2, conv2d_Conv2D2: 4 },
      unitsPerStep: 1,
      fineTuneSteps: 1,
      finalEpochs: 0,
    })
    const r = got.results[0]
    expect(r.macs).toBeLessThanOrEqual(0.5 * r['parent.macs'])
    const after = got.layers.find((l) => l.phase === 'after')?.layers ?? []
    const width = (name: string): number => after.find((l) => l.name === name)?.units ?? -1
    expect(width('conv2d_Conv2D1') % 2).toBe(0)
    expect(width('conv2d_Conv2D2') % 4).toBe(0)
    expect(width('conv2d_Conv2D1') + width('conv2d_Conv2D2')).toBeLessThan(12)
    expect(got.logs.some((l) => l.includes('widths rounded to multiples of'))).toBe(true)
  })

  it('stops before the accuracy floor and keeps the last model above it; no tensor is left behind', async () => {
    await run(5, { kind: 'prune', criterion: 'l2', target: { units: 4 }, unitsPerStep: 4, fineTuneSteps: 1, finalEpochs: 0 }) // warm-up
    const tensors = tf.memory().numTensors
    const got = await run(4, { kind: 'prune', criterion: 'random', target: { ratio: 0.9, accuracyFloor: 0.99 }, unitsPerStep: 4, fineTuneSteps: 0, finalEpochs: 0 })
    const r = got.results[0]
    // No step can stay above 99 %: the first step is reported, then rejected; the parent is kept.
    expect(r['stopped.accuracyFloor']).toBe(1)
    expect(r.removed).toBe(0)
    expect(r.params).toBe(r['parent.params'])
    expect(got.logs.some((l) => l.startsWith('warn: stopped after 0 steps'))).toBe(true)
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('refuses bad input with one clear message, before anything is written', async () => {
    const cases: [Record<string, unknown>, string | RegExp][] = [
      [{ kind: 'prune', criterion: 'l1', target: { ratio: 0.99 } }, /^target\.ratio 0\.99 would remove 59 of 60 units, which would remove every unit of a layer: each of the 4 pruned layers .* at most 56 \(a ratio of 0\.933\) can go$/],
      [{ kind: 'prune', criterion: 'l1', target: { units: 4 }, layers: ['conv2d_Conv2D1'] }, /^target\.units 4 would remove every unit of a layer: each of the 1 pruned layers \['conv2d_Conv2D1' \(4\)\] keeps at least minUnits = 1, so at most 3 of 4 can go$/],
      [{ kind: 'prune', criterion: 'l1', target: { params: 0.01 } }, /^target\.params 0\.01 \(80 of 8,042 parameters\) cannot be reached without removing every unit of a layer/],
      [{ kind: 'prune', criterion: 'l1', target: { ratio: 0.5 }, layers: ['conv2d_Conv2D1', 'nope'] }, /^method\.layers: unknown layer 'nope'; prunable layers: 'conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1', 'dense_Dense2'$/],
      [{ kind: 'prune', criterion: 'l1', target: { ratio: 0.5 }, layers: ['logits'] }, "method.layers: layer 'logits' cannot be pruned: its units are (or reach) the model output; prunable layers: 'conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1', 'dense_Dense2'"],
      [{ kind: 'prune', criterion: 'l1', target: { macs: 0.5 }, roundTo: { conv2d_Conv2D1: 2, conv: 4 } }, "method.roundTo names 'conv', not among the pruned layers: 'conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1', 'dense_Dense2'"],
      [{ kind: 'prune', criterion: 'bn-scale', target: { ratio: 0.5 } }, /^criterion 'bn-scale' needs a BatchNormalization after each pruned layer/],
    ]
    let id = 10
    for (const [spec, message] of cases) {
      const { sink, got } = recordingSink()
      await expect(executeRun(pruneJob(root, id, runConfig(SMALL_LENET, pruneMethod(spec)), parent.path), sink)).rejects.toThrow(message)
      expect(got.results).toEqual([])
      expect(got.artifacts).toEqual([])
      expect(got.metrics).toEqual([])
      expect(filesOf(root, id)).toEqual([])
      id++
    }
    // An unknown criterion (a spec the schema would refuse, e.g. from an older database).
    const method = { ...pruneMethod({ kind: 'prune', target: { ratio: 0.5 } }), criterion: 'oracle' } as unknown as ReturnType<typeof pruneMethod>
    await expect(executeRun(pruneJob(root, 20, runConfig(SMALL_LENET, method), parent.path), recordingSink().sink)).rejects.toThrow(
      /^method\.criterion: unknown importance criterion 'oracle'; known: l1, l2, taylor/,
    )
    // No parent model handed over.
    await expect(executeRun(pruneJob(root, 21, runConfig(SMALL_LENET, pruneMethod({ kind: 'prune', target: { ratio: 0.5 } }))), recordingSink().sink)).rejects.toThrow(
      'a prune run needs the model of its unpruned parent, and none was given',
    )
    expect(filesOf(root, 20)).toEqual([])
    expect(filesOf(root, 21)).toEqual([])
  })

  it('refuses a parent with nothing to prune, naming the model', async () => {
    const flat = modelSpecSchema.parse({ arch: 'mlp', hidden: [] })
    const p = await trainParent(root, flat, 30)
    const { sink, got } = recordingSink()
    const config = runConfig(flat, pruneMethod({ kind: 'prune', target: { ratio: 0.5 } }))
    await expect(executeRun(pruneJob(root, 31, config, p.path), sink)).rejects.toThrow(
      /^the parent model \(mlp \(hidden \[\]\)\) has nothing to prune: no Dense or Conv2D layer whose units feed another layer; kernel layers: 'logits' \(its units are \(or reach\) the model output\)$/,
    )
    expect(got.results).toEqual([])
    expect(filesOf(root, 31)).toEqual([])
  })
})
