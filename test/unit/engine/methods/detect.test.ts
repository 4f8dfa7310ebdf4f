/**
 * runDetection end to end on tiny `shapes` (16×16, 1 epoch) with a recording sink: a `detect`
 * run saves its model and previews and reports mAP; a `detect-distill` run loads that model as
 * its teacher (SpaceToDepth registered by the import) and uses unlabelled images.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectDistillMethodSchema, detectionDatasetSpecSchema, detectionModelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import type { MetricPoint } from '../../../../src-shared/types'
import type { SinkWithLayers } from '../../../../src-main/engine/methods/context'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { runDetection } from './detection-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-detect-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
beforeAll(async () => {
  await selectBackend('wasm')
})

interface Got {
  metrics: MetricPoint[]
  artifacts: { kind: string; path: string }[]
  results: Record<string, number>[]
  logs: string[]
}

function sink(): { sink: SinkWithLayers; got: Got } {
  const got: Got = { metrics: [], artifacts: [], results: [], logs: [] }
  return {
    got,
    sink: {
      backend: () => undefined,
      progress: () => undefined,
      metrics: (p) => got.metrics.push(...p),
      artifact: (a) => got.artifacts.push(a),
      result: (r) => got.results.push(r),
      log: (level, message) => got.logs.push(`${level}: ${message}`),
    },
  }
}

const dataset = detectionDatasetSpecSchema.parse({ name: 'shapes', imageSize: 16, numClasses: 2, trainSize: 12, testSize: 4, unlabelledSize: 4, seed: 1 })
const training = trainingSpecSchema.parse({ epochs: 1, batchSize: 8, learningRate: 0.003 })

describe('runDetection', () => {
  it('trains a detector, then distils a student from its saved model', async () => {
    const a = sink()
    const teacherDir = join(root, 'teacher')
    await runDetection({
      job: { artifactDir: teacherDir, dataDir: root },
      sink: a.sink,
      dataset,
      model: detectionModelSpecSchema.parse({ arch: 'tinyYolo', filters: [4, 8], gridFilters: [8] }),
      training,
      method: { kind: 'detect', previews: 2 },
      seed: 0,
    })
    const r = a.got.results[0]
    expect(r['test.mAP']).toBeGreaterThanOrEqual(0)
    expect(r['test.mAP11']).toBeGreaterThanOrEqual(0)
    expect(r.params).toBeGreaterThan(0)
    expect(a.got.metrics.some((m) => m.key === 'test.mAP' && m.step === 1)).toBe(true)
    expect(a.got.artifacts.filter((x) => x.kind === 'preview')).toHaveLength(2)
    const modelJson = join(teacherDir, 'model', 'model.json')
    expect(existsSync(modelJson)).toBe(true)

    const b = sink()
    const { baseline: _b, teacher: _t, ...method } = detectDistillMethodSchema.parse({ kind: 'detect-distill', teacher: { source: 'run', runId: 1 }, useUnlabelled: true, previews: 0 })
    await runDetection({
      job: { artifactDir: join(root, 'student'), dataDir: root, teacherModelPaths: [modelJson] },
      sink: b.sink,
      dataset,
      model: detectionModelSpecSchema.parse({ arch: 'denseStackedStudent', filters: [4, 4], gridBlocks: [[4, 4]], bottleneck: 2, fuseFilters: 4 }),
      training,
      method: { ...method, teacher: { runId: 1 } },
      seed: 0,
    })
    expect(b.got.results[0]['test.mAP']).toBeGreaterThanOrEqual(0)
    expect(b.got.artifacts.filter((x) => x.kind === 'preview')).toHaveLength(0)
    expect(b.got.logs.join('\n')).toMatch(/detector denseStackedStudent/)

    // The same teacher saved from a run that diverged: refused naming the file, before training.
    const weights = join(teacherDir, 'model', 'weights.bin')
    const bytes = readFileSync(weights)
    bytes.writeFloatLE(Number.NaN, 0)
    writeFileSync(weights, bytes)
    await expect(
      runDetection({
        job: { artifactDir: join(root, 'student-2'), dataDir: root, teacherModelPaths: [modelJson] },
        sink: sink().sink,
        dataset,
        model: detectionModelSpecSchema.parse({ arch: 'denseStackedStudent', filters: [4, 4], gridBlocks: [[4, 4]], bottleneck: 2, fuseFilters: 4 }),
        training,
        method: { ...method, teacher: { runId: 1 } },
        seed: 0,
      }),
    ).rejects.toThrow(new RegExp(`^teacher model ${modelJson}: its weights hold NaN or infinite values \\(1 of \\d+ in `))
  }, 120_000)
})
