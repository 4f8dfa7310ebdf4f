/**
 * Pruning detectors (issue 7 item 5): `singh` and `prune` (Taylor) on a tiny dense-stacked student
 * trained by the `detect` executor, through `executeRun` like every run; the pruned model is physically smaller, loads again, is reported with
 * mAP against its parent, and bad parents are refused in one line. Also: the packed targets the
 * Taylor criterion differentiates give exactly the YOLO loss, and trainDetector's penalty term
 * reaches the gradients.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectionDatasetSpecSchema, detectionModelSpecSchema, pruneMethodSchema, singhMethodSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import type { SinkWithLayers } from '../../../../src-main/engine/methods/context'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildDetector, detectionHead, detectionScoringLoss, loadDetectionDataset } from '../../../../src-main/engine/tasks/detection-setup'
import { createDetectionTask } from '../../../../src-main/engine/tasks/detection'
import { scoringBatches } from '../../../../src-main/engine/tasks/sampling'
import { buildTargets, splitOutput, targetTensors, trainDetector, yoloLoss } from '../../../../src-main/engine/detect'
import { loadModel } from '../../../../src-main/engine/models/model-files'
import { l1Penalty } from '../../../../src-main/engine/prune/sparsity'
import { runDetection } from './detection-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-detect-prune-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface Got {
  results: Record<string, number>[]
  artifacts: { kind: string; path: string }[]
  logs: string[]
  metricKeys: Set<string>
}
function sink(): { sink: SinkWithLayers; got: Got } {
  const got: Got = { results: [], artifacts: [], logs: [], metricKeys: new Set() }
  return {
    got,
    sink: {
      backend: () => undefined,
      progress: () => undefined,
      metrics: (p) => p.forEach((x) => got.metricKeys.add(x.key)),
      artifact: (a) => got.artifacts.push(a),
      result: (r) => got.results.push(r),
      log: (level, message) => got.logs.push(`${level}: ${message}`),
    },
  }
}

const dataset = detectionDatasetSpecSchema.parse({ name: 'shapes', imageSize: 16, numClasses: 2, trainSize: 24, testSize: 6, seed: 3 })
const model = detectionModelSpecSchema.parse({ arch: 'denseStackedStudent', filters: [4, 8], gridBlocks: [[6, 8]], bottleneck: 2, fuseFilters: 8, anchors: 1 })
const training = trainingSpecSchema.parse({ epochs: 1, batchSize: 8, learningRate: 0.003 })
let parentPath = ''

beforeAll(async () => {
  await selectBackend('wasm')
  const dir = join(root, 'parent')
  await runDetection({ job: { artifactDir: dir, dataDir: root }, sink: sink().sink, dataset, model, training, method: { kind: 'detect', previews: 0 }, seed: 0 })
  parentPath = join(dir, 'model', 'model.json')
}, 120_000)

const paramsOf = async (path: string): Promise<number> => {
  const m = await loadModel(path)
  const n = m.countParams()
  m.dispose()
  return n
}

describe('singh on a detector', () => {
  it('removes filters phase by phase (head included) and reports mAP against the parent', async () => {
    const s = sink()
    const dir = join(root, 'singh')
    const method = singhMethodSchema.parse({ kind: 'singh', l1: 1e-2, sparsityEpochs: 1, retrainEpochs: 1, tolerance: 1, cutoff: 0.5, validationFraction: 0.25, phases: [['fuse', 'conv3'], ['conv1', 'conv2']] })
    await runDetection({ job: { artifactDir: dir, dataDir: root, parentModelPath: parentPath }, sink: s.sink, dataset, model, training, method: { ...method, parent: { runId: 1 } }, seed: 0 })
    const r = s.got.results[0]
    expect(r.removed).toBeGreaterThan(0)
    expect(r.params).toBeLessThan(r['parent.params'])
    expect(r.compression).toBeCloseTo(r['parent.params'] / r.params, 6)
    for (const k of ['test.mAP', 'parent.test.mAP', 'test.mAP11']) expect(r[k]).toBeGreaterThanOrEqual(0)
    expect(r['mAP.change']).toBeCloseTo(r['test.mAP'] - r['parent.test.mAP'], 9)
    expect(Object.keys(r).some((k) => k.startsWith('test.ap.'))).toBe(true)
    expect(r.phases).toBe(2)
    expect([...s.got.metricKeys]).toEqual(expect.arrayContaining(['val.mAP', 'test.mAP', 'threshold', 'sparsity.train.loss', 'retrain.train.loss']))
    const saved = join(dir, 'model', 'model.json')
    expect(await paramsOf(saved)).toBe(r.params)
    expect(s.got.artifacts.filter((a) => a.kind === 'preview').length).toBeGreaterThan(0)
    expect(s.got.logs.some((l) => /phase 1 \(fuse, conv3\): threshold/.test(l))).toBe(true)
  }, 240_000)
})

describe('prune (Taylor) on a detector', () => {
  it('removes the scheduled filters with the YOLO loss as the criterion’s objective', async () => {
    const s = sink()
    const dir = join(root, 'taylor')
    const method = pruneMethodSchema.parse({ kind: 'prune', criterion: 'taylor', target: { ratio: 0.3 }, unitsPerStep: 4, fineTuneSteps: 1, finalEpochs: 1 })
    await runDetection({ job: { artifactDir: dir, dataDir: root, parentModelPath: parentPath }, sink: s.sink, dataset, model, training, method: { ...method, parent: { runId: 1 } }, seed: 0 })
    const r = s.got.results[0]
    expect(r.removed).toBe(Math.floor(0.3 * r['units.before']))
    expect(r['units.after']).toBe(r['units.before'] - r.removed)
    expect(r.params).toBeLessThan(r['parent.params'])
    expect(r['macs.reduction']).toBeGreaterThan(0)
    expect(r['pruned.test.mAP']).toBeGreaterThanOrEqual(0)
    expect(s.got.metricKeys.has('test.mAP')).toBe(true)
    expect(await paramsOf(join(dir, 'model', 'model.json'))).toBe(r.params)
  }, 240_000)

  it('refuses a missing parent, a parent of another head, and bn-scale without batch norm, in one line each', async () => {
    const method = pruneMethodSchema.parse({ kind: 'prune', criterion: 'l1', target: { ratio: 0.2 } })
    const run = (parentModelPath: string | undefined, m = method, ds = dataset) =>
      runDetection({ job: { artifactDir: join(root, 'bad'), dataDir: root, parentModelPath }, sink: sink().sink, dataset: ds, model, training, method: { ...m, parent: { runId: 1 } }, seed: 0 })
    await expect(run(undefined)).rejects.toThrow(/^a prune run needs the model of its unpruned parent, and none was given$/)
    const threeClasses = detectionDatasetSpecSchema.parse({ ...dataset, numClasses: 3 })
    await expect(run(parentPath, method, threeClasses)).rejects.toThrow(/is not a detector for this dataset: it outputs \[\?, 4, 4, 7\], the YOLO head of this dataset needs \[\?, 4, 4, 8\]/)
    const noBn = detectionModelSpecSchema.parse({ ...model, batchNorm: false })
    const dir = join(root, 'nobn')
    await runDetection({ job: { artifactDir: dir, dataDir: root }, sink: sink().sink, dataset, model: noBn, training, method: { kind: 'detect', previews: 0 }, seed: 0 })
    const bn = pruneMethodSchema.parse({ kind: 'prune', criterion: 'bn-scale', target: { ratio: 0.2 } })
    await expect(run(join(dir, 'model', 'model.json'), bn)).rejects.toThrow(/^criterion 'bn-scale' needs a BatchNormalization after each pruned layer/)
    expect(existsSync(join(root, 'bad', 'model'))).toBe(false)
  }, 240_000)
})

describe('the detection objective of the criteria', () => {
  it('packs the targets so that the scoring loss equals the YOLO loss', async () => {
    const job = { runId: 1, config: { dataset, model, training, method: { kind: 'detect' as const, previews: 0 }, seed: 0 }, artifactDir: root, dataDir: root }
    const task = createDetectionTask({ job, config: job.config, sink: sink().sink })
    const { data, head } = task
    const detector = buildDetector(model, data.inputShape, head, 1)
    for (const { xs, ys } of scoringBatches(task, 0, 8, 8)() as Iterable<{ xs: tf.Tensor; ys: tf.Tensor }>) {
      // Batches of the run's batch size, targets packed as [N, S, S, B + 4B + K].
      const raw = detector.predict(xs) as tf.Tensor
      const loss = detectionScoringLoss(head)(ys, raw)
      expect(xs.shape[0]).toBe(8)
      expect(ys.shape).toEqual([8, head.gridSize, head.gridSize, 5 * head.anchors.length + head.numClasses])
      expect(Number.isFinite((await loss.data())[0])).toBe(true)
      tf.dispose([raw, loss])
    }
    // The same objects through both routes: packed then unpacked, and the YOLO loss directly.
    const objects = data.train.objects.slice(0, 4)
    const x = tf.tensor4d(data.train.x.slice(0, 4 * 16 * 16 * 3), [4, 16, 16, 3])
    const raw = detector.predict(x) as tf.Tensor
    const t = targetTensors(buildTargets(objects, head), head)
    const packed = tf.concat([t.responsible, t.boxes.reshape([4, head.gridSize, head.gridSize, 4 * head.anchors.length]), t.classes], 3)
    const a = (await detectionScoringLoss(head)(packed, raw).data())[0]
    const b = (await yoloLoss(splitOutput(raw, head), t).total.data())[0]
    expect(a).toBeCloseTo(b, 5)
    tf.dispose([x, raw, packed, t.responsible, t.boxes, t.classes])
    detector.dispose()
  })

  it('adds trainDetector’s penalty to the objective (an L1 term shrinks the kernels)', async () => {
    const data = loadDetectionDataset(dataset, root)
    const head = detectionHead(model, data)
    const sumAbs = (m: tf.LayersModel): number => tf.tidy(() => l1Penalty(m, ['conv1', 'conv2'], 1).dataSync()[0])
    const run = async (lambda: number): Promise<number> => {
      const m = buildDetector(model, data.inputShape, head, 5)
      await trainDetector({ model: m, head, inputShape: data.inputShape, train: data.train, training: { ...training, epochs: 3, learningRate: 0.05 }, seed: 0, penalty: lambda > 0 ? () => l1Penalty(m, ['conv1', 'conv2'], lambda) : undefined })
      const s = sumAbs(m)
      m.dispose()
      return s
    }
    const plain = await run(0)
    const penalised = await run(1)
    // Adam moves each weight by about the learning rate per step whatever the gradient's size, so
    // 9 steps at 0.05 can take |w| ≈ 0.2 most of the way to zero only with the penalty's push.
    expect(penalised).toBeLessThan(plain * 0.7)
  }, 120_000)
})
