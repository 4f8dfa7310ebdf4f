/**
 * The distill executor end to end on tiny data (executeRun with an in-memory sink): an ensemble of
 * two saved teachers, each loss, MUNGE/RANDOM/unlabelled transfer sets, omitted classes with the
 * bias correction, and the refusals.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DistillRunMethod, RunConfig } from '../../../../src-shared/spec/expand'
import { distillMethodSchema, modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import type { RunJob, RunSink } from '../../../../src-main/worker/protocol'
import { executeRun } from '../../../../src-main/engine/run'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { saveModel } from '../../../../src-main/engine/models/model-files'
import { loadTeachers } from '../../../../src-main/engine/distill/teacher'

const root = mkdtempSync(join(tmpdir(), 'complab-distill-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function sink(): { sink: RunSink; results: Record<string, number>[]; logs: string[] } {
  const results: Record<string, number>[] = []
  const logs: string[] = []
  return {
    results,
    logs,
    sink: {
      backend: () => {},
      progress: () => {},
      metrics: () => {},
      artifact: () => {},
      result: (r) => results.push(r),
      log: (level, message) => logs.push(`${level}: ${message}`),
    },
  }
}

const dataset = { name: 'mnist-10k' as const, testFraction: 0.2, splitSeed: 0, trainLimit: 300 }

const config = (method: RunConfig['method'], over: Partial<RunConfig> = {}): RunConfig => ({
  dataset,
  model: modelSpecSchema.parse({ arch: 'mlp', hidden: [16] }),
  training: trainingSpecSchema.parse({ epochs: 2, batchSize: 64, learningRate: 0.003 }),
  method,
  seed: 1,
  ...over,
})

const distill = (m: Record<string, unknown>, teachers: number): DistillRunMethod => {
  const { baseline: _b, teacher: _t, ...rest } = distillMethodSchema.parse({ kind: 'distill', teacher: { source: 'run', runId: 1 }, ...m })
  return { ...rest, teacher: Array.from({ length: teachers }, (_, i) => ({ runId: i + 1 })) }
}

const job = (id: number, c: RunConfig, teacherModelPaths: string[]): RunJob => ({
  runId: id,
  config: c,
  artifactDir: join(root, `run-${id}`),
  dataDir: root,
  backend: 'wasm',
  teacherModelPaths,
})

const teacherPaths: string[] = []

beforeAll(async () => {
  // Two teachers trained on the same 300 digits (a flat MLP and a small CNN: an ensemble may mix shapes).
  for (const [i, model] of [
    modelSpecSchema.parse({ arch: 'mlp', hidden: [64] }),
    modelSpecSchema.parse({ arch: 'custom', layers: [{ type: 'conv2d', filters: 4, kernelSize: 5 }, { type: 'maxPool2d' }, { type: 'flatten' }] }),
  ].entries()) {
    const c: RunConfig = { ...config({ kind: 'train' }), model, training: trainingSpecSchema.parse({ epochs: 3, batchSize: 32, learningRate: 0.003 }) }
    await executeRun(job(i + 1, c, []), sink().sink)
    teacherPaths.push(join(root, `run-${i + 1}`, 'model', 'model.json'))
  }
}, 120_000)

describe('distill executor', () => {
  it('an ensemble teacher, MUNGE transfer set without 3s, bias correction (Hinton loss)', async () => {
    const s = sink()
    const m = distill({ loss: 'hinton', temperature: 4, transfer: { kind: 'munge', multiplier: 2, pcaDims: 10 }, omitClasses: [3], biasCorrection: true }, 2)
    await executeRun(job(10, config(m), teacherPaths), s.sink)
    const r = s.results[0]
    expect(r['teacher.members']).toBe(2)
    expect(r['teacher.member1.test.accuracy']).toBeGreaterThan(0.5)
    expect(r['teacher.member2.test.accuracy']).toBeGreaterThan(0.3)
    expect(r['teacher.test.accuracy']).toBeGreaterThan(0.5)
    // 300 digits − a 10 % validation split (30) = 270; without the 3s; MUNGE makes 2 × that many.
    const labelled = r['transfer.labelled']
    expect(labelled + r['transfer.omitted']).toBe(270)
    expect(r['transfer.omitted']).toBeGreaterThan(10)
    expect(r['transfer.synthetic']).toBe(2 * labelled)
    expect(r['transfer.examples']).toBe(3 * labelled)
    expect(r['munge.swapRate']).toBeGreaterThan(0.45)
    expect(r['munge.swapRate']).toBeLessThan(0.55)
    expect(r['bias.class3']).toBeDefined()
    expect(r['bias.val.accuracy.after']).toBeGreaterThanOrEqual(r['bias.val.accuracy.before'])
    expect(r['omitted.test.accuracy']).toBeGreaterThanOrEqual(0)
    expect(r['omitted.test.accuracy.uncorrected']).toBeGreaterThanOrEqual(0)
    expect(s.logs.some((l) => l.includes('ensemble of 2 (mean logits)'))).toBe(true)
    expect(s.logs.some((l) => l.includes('bias correction: +'))).toBe(true)
    expect(s.logs).toContain(
      'info: train.loss is the KL form of the Hinton loss, 0.5·4²·KL(teacher ‖ student) + 0.5·CE(labels): ' +
        '0 when the student matches the teacher, at any temperature (the cross-entropy form adds ' +
        '0.5·4²·H(teacher), a constant; the gradients are the same)',
    )
  }, 120_000)

  it('logit-l2 on a RANDOM set and the noisy teacher on unlabelled digits beyond trainLimit', async () => {
    const a = sink()
    await executeRun(job(11, config(distill({ loss: 'logit-l2', hardLabelWeight: 1, transfer: { kind: 'random', multiplier: 1 } }, 1)), teacherPaths.slice(0, 1)), a.sink)
    expect(a.results[0]).toMatchObject({ 'transfer.labelled': 300, 'transfer.synthetic': 300, 'transfer.examples': 600, 'teacher.members': 1 })
    expect(a.logs).toContain('info: objective: logit-l2 + 1·CE')
    expect(a.logs.some((l) => l.includes('KL form'))).toBe(false)
    const b = sink()
    await executeRun(job(12, config(distill({ loss: 'noisy-teacher', transfer: { kind: 'unlabeled', count: 200 } }, 1)), teacherPaths.slice(0, 1)), b.sink)
    expect(b.results[0]).toMatchObject({ 'transfer.labelled': 300, 'transfer.unlabelled': 200, 'transfer.examples': 500 })
    expect(b.results[0]['test.accuracy']).toBeGreaterThan(0.3)
  }, 120_000)

  it('refuses what does not fit: no teacher, a teacher of the wrong shape, a class that does not exist, no pool', async () => {
    const m = distill({}, 1)
    await expect(executeRun(job(20, config(m), []), sink().sink)).rejects.toThrow('a distillation run needs one teacher model, got 0')
    tf.engine().startScope()
    await saveModel(buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [4] }), [28, 28, 1], 5, 0), join(root, 'five'))
    tf.engine().endScope()
    const five = join(root, 'five', 'model.json')
    await expect(executeRun(job(21, config(distill({}, 2)), [teacherPaths[0], five]), sink().sink)).rejects.toThrow(
      `teacher model ${five} does not fit the dataset: it outputs shape [5] but the dataset has 10 classes`,
    )
    await expect(executeRun(job(22, config(distill({ omitClasses: [12] }, 1)), teacherPaths), sink().sink)).rejects.toThrow(
      'method.omitClasses: class 12 does not exist (the dataset has 10 classes)',
    )
    const noLimit = config(distill({ transfer: { kind: 'unlabeled' } }, 1), { dataset: { ...dataset, trainLimit: undefined } })
    await expect(executeRun(job(23, noLimit, teacherPaths.slice(0, 1)), sink().sink)).rejects.toThrow('no examples beyond the training split')
  }, 120_000)

  it('loadTeachers frees what it loaded when a member is refused', async () => {
    await selectBackend('wasm')
    const before = tf.memory().numTensors
    await expect(loadTeachers([teacherPaths[0], join(root, 'five', 'model.json')], [28, 28, 1], 10)).rejects.toThrow('does not fit')
    expect(tf.memory().numTensors).toBe(before)
  })
})
