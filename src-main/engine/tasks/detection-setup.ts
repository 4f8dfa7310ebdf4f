/**
 * What a detection run is built from: its dataset (generated `shapes`, or a PASCAL VOC folder with
 * optional unlabelled images), the YOLO head (grid from the input side and the poolings, anchors by
 * k-means on the training boxes), the detector a spec describes, the YOLO targets packed into one
 * tensor for the importance criteria, and preview images of test detections.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { DetectionDatasetSpec, DetectionModelSpec } from '../../../src-shared/spec/schema'
import type { RunJob } from '../run-job'
import { resolveDataPath } from '../data/data-path'
import { loadImageFolder } from '../data/image-folder'
import { generateShapes } from '../data/shapes'
import { loadVocDataset } from '../data/voc'
// Importing the detection library registers SpaceToDepth, so saved students load with loadModel.
import {
  buildDenseStackedStudent,
  buildTinyYolo,
  imageAt,
  kMeansAnchors,
  previewPng,
  splitOutput,
  yoloLoss,
  type DetectionDataset,
  type DetectionSplit,
  type DetectorEvaluation,
  type TargetTensors,
  type YoloHead,
} from '../detect'
import { atomicWrite } from '../models/file-io-handler'
import type { LossFunction } from '../prune/importance/types'
import type { SinkWithLayers } from './task'

/** Loads or generates the detection dataset a run names. */
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

/** The images of `indices` as a split of their own. */
export function subsetImages(split: DetectionSplit, indices: ArrayLike<number>, inputShape: readonly number[]): DetectionSplit {
  const size = inputShape[0] * inputShape[1] * inputShape[2]
  const x = new Float32Array(indices.length * size)
  const objects: DetectionSplit['objects'] = []
  const names: string[] = []
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]
    x.set(imageAt(split, k, inputShape), i * size)
    objects.push(split.objects[k])
    names.push(split.names[k])
  }
  return { x, n: indices.length, objects, names }
}

/** YOLO targets of a batch packed into one tensor [N, S, S, B + 4B + K] (the scorers' `ys`). */
export function packTargets(t: TargetTensors): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, s, , b] = t.responsible.shape
    return tf.concat([t.responsible, t.boxes.reshape([n, s, s, b * 4]), t.classes], 3) as tf.Tensor4D
  })
}

function unpackTargets(y: tf.Tensor, head: YoloHead): TargetTensors {
  const [n, s] = y.shape
  const b = head.anchors.length
  return {
    responsible: tf.slice(y, [0, 0, 0, 0], [-1, -1, -1, b]) as tf.Tensor4D,
    boxes: tf.slice(y, [0, 0, 0, b], [-1, -1, -1, 4 * b]).reshape([n, s, s, b, 4]) as tf.Tensor5D,
    classes: tf.slice(y, [0, 0, 0, 5 * b], [-1, -1, -1, head.numClasses]) as tf.Tensor4D,
  }
}

/** The YOLO loss (batch mean) between packed targets and raw detector outputs, for the Taylor criterion. */
export function detectionScoringLoss(head: YoloHead): LossFunction {
  return (yTrue, yPred) => tf.tidy(() => yoloLoss(splitOutput(yPred, head), unpackTargets(yTrue, head)).total)
}

/** The first `count` test images with predicted (and true) boxes, as `preview` artifacts. */
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
