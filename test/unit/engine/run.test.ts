/**
 * executeRun end to end on tiny data with an in-memory sink (a plain object recording calls): a
 * training run, then a distillation run from its saved model, and the clean one-line failures.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import type { DistillRunMethod, RunConfig } from '../../../src-shared/spec/expand'
import { distillMethodSchema, modelSpecSchema, trainingSpecSchema } from '../../../src-shared/spec/schema'
import type { MetricPoint, RunProgress } from '../../../src-shared/types'
import type { RunJob, RunSink } from '../../../src-main/worker/protocol'
import { executeRun } from '../../../src-main/engine/run'
import { buildModel } from '../../../src-main/engine/models/build-model'
import { saveModel } from '../../../src-main/engine/models/model-files'

const root = mkdtempSync(join(tmpdir(), 'complab-run-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface Recorded {
  backend: string[]
  progress: RunProgress[]
  metrics: MetricPoint[]
  artifacts: { kind: string; path: string; bytes: number; sha256: string }[]
  results: Record<string, number>[]
  logs: string[]
  layers: unknown[]
}

function recordingSink(): { sink: RunSink; got: Recorded } {
  const got: Recorded = { backend: [], progress: [], metrics: [], artifacts: [], results: [], logs: [], layers: [] }
  const sink: RunSink & { layers(phase: string, l: unknown[]): void } = {
    backend: (name) => got.backend.push(name),
    progress: (p) => got.progress.push(p),
    metrics: (points) => got.metrics.push(...points),
    artifact: (a) => got.artifacts.push(a),
    result: (r) => got.results.push(r),
    log: (level, message) => got.logs.push(`${level}: ${message}`),
    layers: (_phase, l) => got.layers.push(...l),
  }
  return { sink, got }
}

const config = (over: Partial<RunConfig> = {}): RunConfig => ({
  dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 400 },
  model: modelSpecSchema.parse({ arch: 'mlp', hidden: [32] }),
  training: trainingSpecSchema.parse({ epochs: 3, batchSize: 32, learningRate: 0.003 }),
  method: { kind: 'train' },
  seed: 1,
  ...over,
})

/** A Hinton distillation (T = 4, α = 0.5) from the model of run `teacherRunId`, as a run sees it. */
function hinton(teacherRunId: number): DistillRunMethod {
  const { baseline: _b, teacher: _t, ...m } = distillMethodSchema.parse({
    kind: 'distill',
    temperature: 4,
    alpha: 0.5,
    teacher: { source: 'run', runId: teacherRunId },
  })
  return { ...m, teacher: [{ runId: teacherRunId }] }
}

const job = (id: number, c: RunConfig, over: Partial<RunJob> = {}): RunJob => ({
  runId: id,
  config: c,
  artifactDir: join(root, `run-${id}`),
  dataDir: root,
  backend: 'wasm',
  ...over,
})

describe('executeRun', () => {
  it('trains, streams metrics, saves the model and reports the results', async () => {
    const { sink, got } = recordingSink()
    await executeRun(job(1, config()), sink)
    expect(got.backend).toEqual(['wasm'])
    const epochs = [...new Set(got.metrics.map((m) => m.step))]
    expect(epochs).toEqual([1, 2, 3])
    expect(got.metrics.filter((m) => m.key === 'test.accuracy')).toHaveLength(3)
    const r = got.results[0]
    expect(got.results).toHaveLength(1)
    expect(r.params).toBe(784 * 32 + 32 + 32 * 10 + 10)
    expect(r.macs).toBe(784 * 32 + 32 * 10)
    expect(r.epochs).toBe(3)
    expect(r['test.examples']).toBe(2000)
    expect(r['test.errors']).toBe(Math.round(2000 * (1 - r['test.accuracy'])))
    expect(r['test.accuracy']).toBeGreaterThan(0.7)
    expect(r['test.loss']).toBeGreaterThan(0)
    expect(r['train.seconds']).toBeGreaterThan(0)
    // The last epoch's test metrics are the final evaluation.
    expect(got.metrics.filter((m) => m.key === 'test.accuracy').pop()?.value).toBeCloseTo(r['test.accuracy'], 6)
    expect(got.artifacts.map((a) => [a.kind, a.path])).toEqual([
      ['model', join(root, 'run-1', 'model', 'model.json')],
      ['model', join(root, 'run-1', 'model', 'weights.bin')],
    ])
    expect(got.artifacts[1].bytes).toBe(r.params * 4)
    expect(r['model.bytes']).toBe(got.artifacts[0].bytes + got.artifacts[1].bytes)
    expect(got.layers).toHaveLength(3)
    expect(got.progress.length).toBeGreaterThan(3)
    expect(got.progress[got.progress.length - 1]).toMatchObject({ phase: 'evaluate', fraction: 1 })
    expect(JSON.parse(readFileSync(got.artifacts[0].path, 'utf8')).format).toBe('layers-model')
  })

  it('distils a student from the saved teacher (Hinton loss) and reports the teacher too', async () => {
    const teacherPath = join(root, 'run-1', 'model', 'model.json')
    const { sink, got } = recordingSink()
    const distill = config({
      model: modelSpecSchema.parse({ arch: 'mlp', hidden: [16] }),
      method: hinton(1),
      seed: 2,
    })
    await executeRun(job(2, distill, { teacherModelPaths: [teacherPath] }), sink)
    const r = got.results[0]
    expect(r['teacher.test.accuracy']).toBeGreaterThan(0.7)
    expect(r['teacher.test.errors']).toBe(Math.round(2000 * (1 - r['teacher.test.accuracy'])))
    expect(r['test.accuracy']).toBeGreaterThan(0.6)
    expect(got.progress.some((p) => p.phase === 'distill')).toBe(true)
    expect(existsSync(join(root, 'run-2', 'model', 'weights.bin'))).toBe(true)
  })

  it('refuses a teacher whose input or output does not fit the dataset', async () => {
    tf.engine().startScope()
    const wrongClasses = buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [4] }), [28, 28, 1], 3, 0)
    const wrongInput = buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [4] }), [32, 32, 3], 10, 0)
    await saveModel(wrongClasses, join(root, 'teacher-3'))
    await saveModel(wrongInput, join(root, 'teacher-input'))
    tf.engine().endScope()
    const distill = config({ method: hinton(9) })
    const path3 = join(root, 'teacher-3', 'model.json')
    await expect(executeRun(job(3, distill, { teacherModelPaths: [path3] }), recordingSink().sink)).rejects.toThrow(
      `teacher model ${path3} does not fit the dataset: it outputs shape [3] but the dataset has 10 classes`,
    )
    const pathIn = join(root, 'teacher-input', 'model.json')
    await expect(executeRun(job(4, distill, { teacherModelPaths: [pathIn] }), recordingSink().sink)).rejects.toThrow(
      `teacher model ${pathIn} does not fit the dataset: it takes inputs of shape [32, 32, 3] but the dataset's examples are [28, 28, 1]`,
    )
    await expect(executeRun(job(5, distill), recordingSink().sink)).rejects.toThrow(
      'a distillation run needs one teacher model, got 0',
    )
  })

  it('fails with one clean line: divergence, bad dataset file, unknown backend', async () => {
    const diverging = config({
      model: modelSpecSchema.parse({ arch: 'custom', layers: [{ type: 'dense', units: 64, activation: 'linear' }] }),
      training: trainingSpecSchema.parse({ epochs: 2, batchSize: 32, optimizer: 'sgd', learningRate: 10 }),
    })
    await expect(executeRun(job(6, diverging), recordingSink().sink)).rejects.toThrow(/^diverged at epoch 1$/)
    const idx = config({ dataset: { name: 'idx', trainImages: 'x.idx', trainLabels: 'y.idx', testFraction: 0.2, splitSeed: 0 } })
    await expect(executeRun(job(7, idx), recordingSink().sink)).rejects.toThrow(`x.idx: file not found (${join(root, 'x.idx')})`)
    await expect(executeRun(job(8, config(), { backend: 'tpu' }), recordingSink().sink)).rejects.toThrow(
      'unknown backend "tpu" (requested); choose one of webgpu, tensorflow, wasm, cpu, or auto',
    )
  })
})
