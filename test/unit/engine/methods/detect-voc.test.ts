/**
 * A detection run on a PASCAL VOC folder as a user brings it: images and XML annotations, a broken
 * image skipped with its name in the log, and a folder of unlabelled images (one broken) whose
 * pictures a detect-distill student uses with teacher terms only.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetSpecSchema, detectDistillMethodSchema, detectionDatasetSpecSchema, detectionModelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import type { RunConfig } from '../../../../src-shared/spec/expand'
import type { SinkWithLayers } from '../../../../src-main/engine/methods/context'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { loadDetectionDataset } from '../../../../src-main/engine/tasks/detection-setup'
import { runDetection } from './detection-fixtures'
import { checkRunConfig } from '../../../../src-main/engine/validate'
import { jpegBytes, pngBytes } from '../detect/image-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-detect-voc-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
beforeAll(async () => {
  await selectBackend('wasm')
})

const xml = (file: string, objects: Array<[string, number, number, number, number]>): string =>
  `<annotation><filename>${file}</filename><size><width>32</width><height>32</height><depth>3</depth></size>${objects
    .map(([name, x0, y0, x1, y1]) => `<object><name>${name}</name><difficult>0</difficult><bndbox><xmin>${x0}</xmin><ymin>${y0}</ymin><xmax>${x1}</xmax><ymax>${y1}</ymax></bndbox></object>`)
    .join('')}</annotation>`

beforeAll(() => {
  const voc = join(root, 'voc')
  mkdirSync(join(voc, 'Annotations'), { recursive: true })
  mkdirSync(join(voc, 'JPEGImages'), { recursive: true })
  for (let i = 1; i <= 10; i++) {
    const id = String(i).padStart(6, '0')
    const cls = i % 2 === 0 ? 'cat' : 'dog'
    writeFileSync(join(voc, 'Annotations', `${id}.xml`), xml(`${id}.jpg`, [[cls, 4 + i, 4, 20 + i, 24]]))
    writeFileSync(join(voc, 'JPEGImages', `${id}.jpg`), i === 7 ? Buffer.from('not a jpeg') : jpegBytes(32, 32, [20 * i, 100, 200 - 10 * i]))
  }
  const extra = join(root, 'extra')
  mkdirSync(extra)
  writeFileSync(join(extra, 'a.jpg'), jpegBytes(40, 30, [10, 200, 30]))
  writeFileSync(join(extra, 'b.png'), pngBytes(20, 20, [250, 250, 0]))
  writeFileSync(join(extra, 'c.png'), Buffer.from('broken'))
})

const sink = (logs: string[], results: Record<string, number>[]): SinkWithLayers => ({
  backend: () => undefined,
  progress: () => undefined,
  metrics: () => undefined,
  artifact: () => undefined,
  result: (r) => results.push(r),
  log: (level, message) => logs.push(`${level}: ${message}`),
})

describe('detection on a VOC folder with unlabelled images', () => {
  const dataset = detectionDatasetSpecSchema.parse({ name: 'voc', root: 'voc', imageSize: 16, classNames: ['cat', 'dog'], testFraction: 0.3, unlabelled: 'extra' })

  it('loads the labelled images and the unlabelled folder, naming what was skipped', () => {
    const data = loadDetectionDataset(dataset, root)
    expect(data.train.n + data.test.n).toBe(9)
    expect(data.unlabelled?.n).toBe(2)
    expect(data.unlabelled?.names).toEqual(['a.jpg', 'b.png'])
    expect(data.warnings.map((w) => w.file).sort()).toEqual(['JPEGImages/000007.jpg', 'c.png'].sort())
  })

  it('refuses a broken unlabelled image when asked to', () => {
    const strict = detectionDatasetSpecSchema.parse({ ...dataset, onBroken: 'refuse' })
    expect(() => loadDetectionDataset(strict, root)).toThrow(/000007|c\.png/)
  })

  it('checks the folders at launch', () => {
    const config = (d: unknown): RunConfig => ({
      dataset: datasetSpecSchema.parse(d),
      model: detectionModelSpecSchema.parse({ arch: 'tinyYolo', filters: [4, 8] }),
      training: trainingSpecSchema.parse({}),
      method: { kind: 'detect', previews: 0 },
      seed: 0,
    })
    expect(checkRunConfig(config(dataset), root)).toEqual([])
    expect(checkRunConfig(config({ ...dataset, unlabelled: 'missing' }), root)).toEqual(['dataset voc: the unlabelled image folder missing does not exist'])
  })

  it('trains a teacher and distils a student with the unlabelled images', async () => {
    const logs: string[] = []
    const results: Record<string, number>[] = []
    const training = trainingSpecSchema.parse({ epochs: 1, batchSize: 4 })
    await runDetection({
      job: { artifactDir: join(root, 'teacher'), dataDir: root },
      sink: sink(logs, results),
      dataset,
      model: detectionModelSpecSchema.parse({ arch: 'tinyYolo', filters: [4, 8], gridFilters: [8], anchors: 1 }),
      training,
      method: { kind: 'detect', previews: 0 },
      seed: 0,
    })
    expect(logs.some((l) => l.startsWith('warn: JPEGImages/000007.jpg'))).toBe(true)
    expect(logs.some((l) => l.startsWith('warn: c.png'))).toBe(true)
    const { baseline: _b, teacher: _t, ...m } = detectDistillMethodSchema.parse({ kind: 'detect-distill', teacher: { source: 'run', runId: 1 }, useUnlabelled: true, previews: 0 })
    await runDetection({
      job: { artifactDir: join(root, 'student'), dataDir: root, teacherModelPaths: [join(root, 'teacher', 'model', 'model.json')] },
      sink: sink(logs, results),
      dataset,
      model: detectionModelSpecSchema.parse({ arch: 'denseStackedStudent', filters: [4, 4], gridBlocks: [[4, 4]], bottleneck: 2, fuseFilters: 4, anchors: 1 }),
      training,
      method: { ...m, teacher: { runId: 1 } },
      seed: 0,
    })
    expect(results).toHaveLength(2)
    expect(results[1]['test.ap.cat'] ?? results[1]['test.ap.dog']).toBeGreaterThanOrEqual(0)
    expect(logs.some((l) => /useUnlabelled: the dataset has no unlabelled images/.test(l))).toBe(false)
  }, 120_000)
})
