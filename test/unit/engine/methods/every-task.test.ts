/**
 * One executor per pruning method for every task (issue 13): Taylor (`prune`), `singh`,
 * `magnitude`, `slimming` and `sensitivity` each run through `executeRun` on a tiny classifier
 * (200 real digits) and on a tiny detector (24 `shapes` images), and report the same results
 * under the task's metric (`accuracy`, `mAP`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunConfig, RunMethod } from '../../../../src-shared/spec/expand'
import { detectionDatasetSpecSchema, detectionModelSpecSchema, modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import { METHOD_EXECUTORS } from '../../../../src-main/engine/methods'
import { executeRun } from '../../../../src-main/engine/run'
import { METHOD_TASKS } from '../../../../src-main/engine/tasks/method-tasks'
import { pruneMethod, recordingSink } from './prune-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-every-task-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const training = trainingSpecSchema.parse({ epochs: 1, batchSize: 16, learningRate: 0.01 })
const TASKS = {
  accuracy: {
    dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 200 },
    // conv(4) → BN → pool → dense(8) → BN → logits: every method can prune it (slimming needs the BN).
    model: modelSpecSchema.parse({
      arch: 'custom',
      layers: [
        { type: 'conv2d', filters: 4, kernelSize: 5, padding: 'same' },
        { type: 'batchNorm' },
        { type: 'maxPool2d', poolSize: 4 },
        { type: 'dense', units: 8 },
        { type: 'batchNorm' },
      ],
    }),
    train: { kind: 'train' },
  },
  mAP: {
    dataset: detectionDatasetSpecSchema.parse({ name: 'shapes', imageSize: 16, numClasses: 2, trainSize: 24, testSize: 6, seed: 3 }),
    model: detectionModelSpecSchema.parse({ arch: 'tinyYolo', filters: [4, 8], gridFilters: [8], anchors: 1 }),
    train: { kind: 'detect', previews: 0 },
  },
} as const
type Metric = keyof typeof TASKS

let id = 0
const config = (metric: Metric, method: RunMethod): RunConfig => ({ dataset: TASKS[metric].dataset, model: TASKS[metric].model, training, method, seed: 0 })
async function run(metric: Metric, method: RunMethod, parentModelPath?: string): Promise<ReturnType<typeof recordingSink>['got'] & { dir: string }> {
  const { sink, got } = recordingSink()
  const dir = join(root, `run-${++id}`)
  await executeRun({ runId: id, config: config(metric, method), artifactDir: dir, dataDir: root, backend: 'wasm', ...(parentModelPath ? { parentModelPath } : {}) }, sink)
  return { ...got, dir }
}

const parents: Partial<Record<Metric, string>> = {}
beforeAll(async () => {
  for (const metric of Object.keys(TASKS) as Metric[]) {
    const got = await run(metric, TASKS[metric].train as RunMethod)
    parents[metric] = join(got.dir, 'model', 'model.json')
  }
}, 120_000)

const METHODS: Record<string, Record<string, unknown>> = {
  prune: { kind: 'prune', criterion: 'taylor', target: { ratio: 0.25 }, unitsPerStep: 2, fineTuneSteps: 1, finalEpochs: 1 },
  singh: { kind: 'singh', l1: 0.01, sparsityEpochs: 1, retrainEpochs: 0, tolerance: 1, cutoff: 0.5, validationFraction: 0.25 },
  magnitude: { kind: 'magnitude', finalSparsity: 0.5, steps: 2, frequency: 1, finalEpochs: 0 },
  slimming: { kind: 'slimming', lambda: 1e-3, sparsityEpochs: 1, ratio: 0.25, finalEpochs: 0 },
  sensitivity: { kind: 'sensitivity', criterion: 'taylor', ratios: [0.5] },
}

describe.each(Object.keys(METHODS))('%s', (kind) => {
  it('has one executor, for both tasks', () => {
    expect(METHOD_TASKS[kind as RunMethod['kind']]).toEqual(['classification', 'detection'])
    expect(METHOD_EXECUTORS[kind as RunMethod['kind']]).toBeTypeOf('function')
  })

  it.each(Object.keys(TASKS) as Metric[])('runs on the %s task and reports it against the parent', async (metric) => {
    const got = await run(metric, pruneMethod(METHODS[kind]), parents[metric])
    expect(got.results).toHaveLength(1)
    const r = got.results[0]
    for (const key of [`test.${metric}`, `parent.test.${metric}`, 'params', 'parent.params', 'macs']) expect(r[key], key).toBeTypeOf('number')
    expect(r[`test.${metric}`]).toBeGreaterThanOrEqual(0)
    expect(r[`test.${metric}`]).toBeLessThanOrEqual(1)
    if (kind === 'sensitivity') {
      // Each layer alone at ratio 0.5, no model saved; the CSV names the task's metric.
      expect(Object.keys(r).filter((k) => k.startsWith('sensitivity.') && k.endsWith('@0.5')).length).toBe(r['sensitivity.layers'])
      const csv = readFileSync(got.artifacts[0].path, 'utf8')
      expect(csv.split('\n')[0]).toBe(`layer,units,ratio,removed,params,test.${metric},${metric}.change`)
      return
    }
    expect(r[`${metric}.change`]).toBeCloseTo(r[`test.${metric}`] - r[`parent.test.${metric}`], 9)
    expect(r.compression).toBeCloseTo(r['parent.params'] / r.params, 9)
    expect(got.artifacts.some((a) => a.kind === 'model')).toBe(true)
    if (kind === 'magnitude') {
      expect(r.sparsity).toBeCloseTo(0.5, 2)
      expect(r.params).toBe(r['parent.params'])
      expect(r['params.nonzero']).toBeLessThan(r['parent.params.nonzero'])
    } else if (kind === 'prune' || kind === 'slimming') {
      expect(r.removed).toBeGreaterThan(0)
      expect(r.params).toBeLessThan(r['parent.params'])
    }
    if (kind === 'prune') expect(got.metrics.some((p) => p.key === `test.${metric}` && p.step === 1)).toBe(true)
    if (kind === 'singh') expect(got.metrics.some((p) => p.key === `val.${metric}`)).toBe(true)
  }, 120_000)
})
