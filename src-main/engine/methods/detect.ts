/**
 * Methods `detect` and `detect-distill` (METHODS D5): a YOLO detector trained on the boxes, or a
 * student distilled from a detector teacher with the Mehta–Ozturk loss. `runDetection` is the whole
 * run (data, models, training, evaluation, saved model, preview images); `executeRun` sends every
 * run on a detection dataset to `executeDetectionRun` (detection-run.ts).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import type { DetectDistillRunMethod, DetectRunMethod } from '../../../src-shared/spec/expand'
import type { DetectionDatasetSpec, DetectionModelSpec, TrainingSpec } from '../../../src-shared/spec/schema'
import type { RunJob } from '../run-job'
import { resolveDataPath } from '../data/data-path'
import { generateShapes } from '../data/shapes'
import { loadImageFolder } from '../data/image-folder'
import { loadVocDataset } from '../data/voc'
// Importing the detection library registers SpaceToDepth, so saved students load with loadModel.
import {
  buildDenseStackedStudent,
  buildTinyYolo,
  evaluationMetrics,
  headChannels,
  imageAt,
  kMeansAnchors,
  previewPng,
  trainDetector,
  type DetectionDataset,
  type DetectorEvaluation,
  type YoloHead,
} from '../detect'
import { modelStats } from '../models/layer-report'
import { loadCheckedModel, saveModel } from '../models/model-files'
import { round, type SinkWithLayers } from './context'
import { atomicWrite } from '../models/file-io-handler'

/** Everything a detection run needs; `config` parts typed for detection. */
export interface DetectionRun {
  job: Pick<RunJob, 'artifactDir' | 'dataDir' | 'teacherModelPaths'>
  sink: SinkWithLayers
  dataset: DetectionDatasetSpec
  model: DetectionModelSpec
  training: TrainingSpec
  method: DetectRunMethod | DetectDistillRunMethod
  seed: number
}

/** Loads or generates the detection dataset a run names; every warning goes to `log`. */
export function loadDetectionDataset(spec: DetectionDatasetSpec, dataDir: string): DetectionDataset {
  if (spec.name === 'shapes') {
    const { name: _name, ...options } = spec
    return generateShapes(options)
  }
  const data = loadVocDataset({
    root: resolveDataPath(dataDir, spec.root),
    imageSize: spec.imageSize,
    classNames: spec.classNames,
    testFraction: spec.testFraction,
    onBroken: spec.onBroken,
  })
  if (spec.unlabelled === undefined) return data
  const folder = loadImageFolder({ dir: resolveDataPath(dataDir, spec.unlabelled), imageSize: spec.imageSize, onBroken: spec.onBroken })
  return { ...data, unlabelled: folder.images, warnings: [...data.warnings, ...folder.warnings] }
}

/** Poolings before the grid of a detector spec (each entry of `filters` is followed by one). */
const poolings = (m: DetectionModelSpec): number => m.filters.length

/** The YOLO head of a run: grid from the input side and the poolings, B anchors by k-means on the training boxes. */
export function detectionHead(model: DetectionModelSpec, data: DetectionDataset): YoloHead {
  const side = data.inputShape[0]
  const f = 2 ** poolings(model)
  if (side % f !== 0) throw new Error(`model ${model.arch}: images of ${side} px are not divisible by ${f} (${poolings(model)} poolings)`)
  const sizes: Array<[number, number]> = []
  for (const objects of data.train.objects) for (const o of objects) sizes.push([o.xMax - o.xMin, o.yMax - o.yMin])
  return { gridSize: side / f, anchors: kMeansAnchors(sizes, model.anchors), numClasses: data.numClasses }
}

/** Builds the detector a spec describes. */
export function buildDetector(spec: DetectionModelSpec, inputShape: [number, number, number], head: YoloHead, seed: number): tf.LayersModel {
  if (spec.arch === 'tinyYolo') {
    return buildTinyYolo({ inputShape, head, seed, filters: spec.filters, gridFilters: spec.gridFilters, batchNorm: spec.batchNorm })
  }
  return buildDenseStackedStudent({
    inputShape,
    head,
    seed,
    filters: spec.filters,
    gridBlocks: spec.gridBlocks,
    stackFrom: spec.stackFrom,
    bottleneck: spec.bottleneck,
    fuseFilters: spec.fuseFilters,
    batchNorm: spec.batchNorm,
  })
}

/** Trains (or distils) the detector, saves it and its previews, and reports the results. */
export async function runDetection(r: DetectionRun): Promise<void> {
  const { job, sink, method } = r
  const data = loadDetectionDataset(r.dataset, job.dataDir)
  for (const w of data.warnings) sink.log('warn', `${w.file}: ${w.message}`)
  sink.log('info', `dataset ${data.name}: ${data.train.n} train / ${data.test.n} test images of [${data.inputShape.join(', ')}], ${data.numClasses} classes`)
  const head = detectionHead(r.model, data)
  const model = buildDetector(r.model, data.inputShape, head, r.seed)
  let teacher: tf.LayersModel | null = null
  try {
    const stats = modelStats(model)
    sink.log('info', `detector ${r.model.arch}: ${round(stats.params, 0)} parameters, ${round(stats.macs / 1e6, 2)} M MACs per image, ${head.gridSize}×${head.gridSize} grid, ${head.anchors.length} anchors`)
    sink.layers?.('before', stats.layers)
    let distill: DetectDistillRunMethod | null = null
    if (method.kind === 'detect-distill') {
      distill = method
      const path = job.teacherModelPaths?.[0]
      if (!path) throw new Error('detect-distill: the run has no teacher model')
      teacher = await loadCheckedModel(path, 'teacher')
      const channels = teacher.outputs[0].shape[3]
      if (channels !== headChannels(head)) {
        throw new Error(`detect-distill: the teacher outputs ${channels} channels per cell, the student's head ${headChannels(head)} (same classes and anchors needed)`)
      }
      if (method.useUnlabelled && !(data.unlabelled && data.unlabelled.n > 0)) sink.log('warn', 'useUnlabelled: the dataset has no unlabelled images')
    }
    const classNames = data.classNames
    const trained = await trainDetector({
      model,
      head,
      inputShape: data.inputShape,
      train: data.train,
      test: data.test,
      training: r.training,
      seed: r.seed,
      classNames,
      ...(distill && teacher
        ? {
            teacher: { model: teacher, options: { lambdaD: distill.lambdaD, objectnessScaling: distill.objectnessScaling, fmNms: distill.fmNms, fmNmsK: distill.fmNmsK } },
            ...(distill.useUnlabelled && data.unlabelled ? { unlabelled: data.unlabelled } : {}),
          }
        : {}),
      onProgress: (p) => sink.progress(p),
      onEpochEnd: (epoch, metrics) => sink.metrics(Object.entries(metrics).map(([key, value]) => ({ key, step: epoch, value }))),
    })
    sink.progress({ phase: 'evaluate', epoch: trained.epochs, epochs: trained.epochs, step: 0, steps: 1, fraction: 1, etaSeconds: 0 })
    const evaluation = trained.evaluation
    if (!evaluation) throw new Error('detector: no test evaluation (empty test split?)')
    const files = await saveModel(model, join(job.artifactDir, 'model'))
    for (const f of files) sink.artifact({ kind: 'model', ...f })
    writePreviews(job, sink, data, evaluation, method.previews)
    const last = trained.history[trained.history.length - 1] ?? {}
    sink.result({
      ...evaluationMetrics(evaluation, 'test', classNames),
      ...(last['train.loss'] !== undefined ? { 'train.loss': last['train.loss'] } : {}),
      'test.examples': data.test.n,
      'train.examples': data.train.n,
      'train.droppedObjects': trained.droppedObjects,
      params: stats.params,
      macs: stats.macs,
      'model.bytes': files.reduce((a, f) => a + f.bytes, 0),
      'train.seconds': trained.seconds,
      epochs: trained.epochs,
    })
    sink.log('info', `done: test mAP ${(evaluation.mAP * 100).toFixed(2)} (11-point ${(evaluation.mAP11 * 100).toFixed(2)}) in ${round(trained.seconds)} s of training`)
  } finally {
    model.dispose()
    teacher?.dispose()
  }
}

/** The test images with predicted (and true) boxes, as `preview` artifacts. */
export function writePreviews(
  job: Pick<RunJob, 'artifactDir'>,
  sink: SinkWithLayers,
  data: DetectionDataset,
  evaluation: DetectorEvaluation,
  count: number,
): void {
  const previews = Math.min(count, data.test.n)
  if (previews <= 0) return
  const dir = join(job.artifactDir, 'preview')
  mkdirSync(dir, { recursive: true })
  for (let i = 0; i < previews; i++) {
    const png = previewPng(imageAt(data.test, i, data.inputShape), data.inputShape, evaluation.detections[i] ?? [], { groundTruth: data.test.objects[i] })
    const path = join(dir, `test-${i}.png`)
    sink.artifact({ kind: 'preview', ...atomicWrite(path, png) })
  }
}
