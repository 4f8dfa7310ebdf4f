/**
 * Every engine path of training, evaluation, pruning, distillation and reporting reads tensors
 * asynchronously: Taylor, Singh, AGP, network slimming, Hinton, the noisy teacher and MUNGE run to
 * the end on tiny data while dataSync/arraySync/bufferSync throw (as on webgpu under Node).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunConfig, RunMethod } from '../../../../src-shared/spec/expand'
import { distillMethodSchema, modelSpecSchema, trainingSpecSchema, type ModelSpec } from '../../../../src-shared/spec/schema'
import { executeRun } from '../../../../src-main/engine/run'
import { withoutSyncReads } from './no-sync-reads'
import { BN_NET, pruneJob, pruneMethod, recordingSink, SMALL_LENET } from './prune-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-no-sync-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const config = (model: ModelSpec, method: RunMethod): RunConfig => ({
  dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 160 },
  model,
  training: trainingSpecSchema.parse({ epochs: 1, batchSize: 40, learningRate: 0.01 }),
  method,
  seed: 0,
})

/** Runs one job to the end; returns its results. */
async function run(id: number, model: ModelSpec, method: RunMethod, paths: { parent?: string; teachers?: string[] } = {}): Promise<Record<string, number>> {
  const { sink, got } = recordingSink()
  const job = { ...pruneJob(root, id, config(model, method), paths.parent), ...(paths.teachers ? { teacherModelPaths: paths.teachers } : {}) }
  await executeRun(job, sink)
  expect(got.results, `run ${id} reported no results`).toHaveLength(1)
  return got.results[0]
}

const modelOf = (id: number): string => join(root, `run-${id}`, 'model', 'model.json')

const distill = (m: Record<string, unknown>): RunMethod => {
  const { baseline: _b, teacher: _t, ...rest } = distillMethodSchema.parse({ kind: 'distill', teacher: { source: 'run', runId: 1 }, ...m })
  return { ...rest, teacher: [{ runId: 1 }] } as RunMethod
}

describe('engine paths without synchronous reads', () => {
  it('the helper refuses dataSync, arraySync and bufferSync inside and restores them after', async () => {
    const t = tf.tensor1d([1, 2])
    await withoutSyncReads(async () => {
      expect(() => t.dataSync()).toThrow(/synchronous read dataSync/)
      expect(() => t.arraySync()).toThrow(/synchronous read arraySync/)
      expect(() => t.bufferSync()).toThrow(/synchronous read bufferSync/)
      expect(Array.from(await t.data())).toEqual([1, 2])
    })
    expect(Array.from(t.dataSync())).toEqual([1, 2])
    t.dispose()
  })

  it('train, Taylor, Singh, AGP, slimming, Hinton + MUNGE and the noisy teacher finish', async () => {
    await withoutSyncReads(async () => {
      await run(1, SMALL_LENET, { kind: 'train' })
      await run(2, BN_NET, { kind: 'train' })
      const parent = { parent: modelOf(1) }
      const taylor = await run(3, SMALL_LENET, pruneMethod({ kind: 'prune', criterion: 'taylor', target: { ratio: 0.3 }, unitsPerStep: 8, fineTuneSteps: 1, finalEpochs: 0 }), parent)
      expect(taylor.params).toBeLessThan(taylor['parent.params'])
      const singh = await run(4, SMALL_LENET, pruneMethod({ kind: 'singh', l1: 0.002, sparsityEpochs: 1, retrainEpochs: 0, phases: [['dense_Dense2']], tolerance: 0.05 }), parent)
      expect(singh.phases).toBe(1)
      const agp = await run(5, SMALL_LENET, pruneMethod({ kind: 'magnitude', finalSparsity: 0.5, steps: 2, frequency: 1, finalEpochs: 0 }), parent)
      expect(agp.sparsity).toBeCloseTo(0.5, 2)
      const slim = await run(6, BN_NET, pruneMethod({ kind: 'slimming', lambda: 1e-3, sparsityEpochs: 1, ratio: 0.3, finalEpochs: 0 }), { parent: modelOf(2) })
      expect(slim.params).toBeLessThan(slim['parent.params'])
      const mlp = modelSpecSchema.parse({ arch: 'mlp', hidden: [16] })
      const teachers = { teachers: [modelOf(1)] }
      const hinton = await run(7, mlp, distill({ loss: 'hinton', temperature: 4, transfer: { kind: 'munge', multiplier: 1, pcaDims: 8 }, omitClasses: [3], biasCorrection: true }), teachers)
      expect(hinton['transfer.synthetic']).toBeGreaterThan(0)
      expect(hinton['bias.class3']).toBeDefined()
      const noisy = await run(8, mlp, distill({ loss: 'noisy-teacher', transfer: { kind: 'unlabeled', count: 40 } }), teachers)
      expect(noisy['transfer.unlabelled']).toBe(40)
    })
  }, 180_000)
})
