/**
 * The detection task of the pruning methods on detectors (detect-prune.ts): the run, its data and
 * YOLO head; the parent detector loaded and checked against the head; training through
 * `trainDetector` with progress and metrics; the Taylor criterion's objective (the YOLO loss on
 * detection batches whose targets are packed into one tensor); mAP measurement; and the shared end
 * of a run (size, latency against the parent, saved model, previews, results).
 */
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { RunJob } from '../run-job'
import type { RunMethod } from '../../../src-shared/spec/expand'
import type { DetectionDatasetSpec, DetectionModelSpec, TrainingSpec } from '../../../src-shared/spec/schema'
import {
  buildTargets,
  evaluateDetector,
  evaluationMetrics,
  headChannels,
  imageAt,
  splitOutput,
  targetTensors,
  trainDetector,
  yoloLoss,
  type DetectionDataset,
  type DetectionSplit,
  type DetectorEvaluation,
  type TargetTensors,
  type TrainDetectorResult,
  type YoloHead,
} from '../detect'
import { gatherDetectionBatch } from '../detect/detection-batch'
import type { LayerStats } from '../models/layer-report'
import { loadCheckedModel, saveModel } from '../models/model-files'
import type { BatchProvider, LossFunction } from '../prune/importance/types'
import { measureModel, serializedBytes } from '../prune/measure'
import type { PruneStructure } from '../prune/structure'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import { round, type SinkWithLayers } from './context'
import { detectionHead, loadDetectionDataset, writePreviews } from './detect'
import { LATENCY_BATCH, interleavedTimings, prunableStructure, sizeAndLatencyResults, type LatencyTimings } from './prune-common'

export type PruneMethod = Extract<RunMethod, { kind: 'prune' }>
export type SinghMethod = Extract<RunMethod, { kind: 'singh' }>

/** A pruning run on a detection dataset. */
export interface DetectionPruneRun {
  job: Pick<RunJob, 'artifactDir' | 'dataDir' | 'parentModelPath'>
  sink: SinkWithLayers
  dataset: DetectionDatasetSpec
  model: DetectionModelSpec
  training: TrainingSpec
  method: PruneMethod | SinghMethod
  seed: number
}

/** What the pruning steps share: the run, its data and the YOLO head of the parent. */
export interface Task {
  r: DetectionPruneRun
  data: DetectionDataset
  head: YoloHead
}

/** A detector measured the way every detector pruning run reports it. */
export interface DetectorReport {
  evaluation: DetectorEvaluation
  params: number
  nonZeroParams: number
  macs: number
  serializedBytes: number
  layers: LayerStats[]
}

/** Images the Taylor (and activation) criteria are computed on at each step. */
const SCORING_IMAGES = 256
/** Test images drawn with their boxes at the end of the run. */
const PREVIEWS = 3

const shapeText = (s: readonly (number | null)[]): string => `[${s.map((d) => d ?? '?').join(', ')}]`
export const pct = (x: number): string => `${(x * 100).toFixed(2)}`

/** Loads the unpruned detector and checks that it takes the dataset's images and outputs its head. */
export async function loadDetectorParent(t: Task): Promise<tf.LayersModel> {
  const path = t.r.job.parentModelPath
  if (path === undefined || path === '') throw new Error(`a ${t.r.method.kind} run needs the model of its unpruned parent, and none was given`)
  const model = await loadCheckedModel(path, 'parent')
  const input = model.inputs[0].shape.slice(1)
  const output = model.outputs[0].shape
  const want = [null, t.head.gridSize, t.head.gridSize, headChannels(t.head)]
  let problem: string | null = null
  if (input.join() !== t.data.inputShape.join()) problem = `it takes images of ${shapeText(input)}, the dataset's are ${shapeText(t.data.inputShape)}`
  else if (output.join() !== want.join()) {
    problem = `it outputs ${shapeText(output)}, the YOLO head of this dataset needs ${shapeText(want)} (${t.head.anchors.length} anchors, ${t.head.numClasses} classes)`
  }
  if (problem) {
    model.dispose()
    throw new Error(`parent model ${path} is not a detector for this dataset: ${problem}`)
  }
  return model
}

/** The parent's pruning structure; a detector with nothing prunable is an error. */
export function detectorStructure(t: Task, model: tf.LayersModel): PruneStructure {
  return prunableStructure(model, `parent detector (${t.r.model.arch})`)
}

/** The images of `indices` as a split of their own. */
export function subset(split: DetectionSplit, indices: ArrayLike<number>, inputShape: readonly number[]): DetectionSplit {
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

/** A seeded permutation of 0..n−1. */
export const permutation = (n: number, seed: number): Int32Array => shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), createRng(seed))

/** YOLO targets of a batch packed into one tensor [N, S, S, B + 4B + K] (the scorers' `ys`). */
function packTargets(t: TargetTensors): tf.Tensor4D {
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

/** Detection batches for the criteria: `images` training images drawn afresh at each call (seeded). */
export function detectionScoringBatches(t: Task, seed: number, images = SCORING_IMAGES): BatchProvider {
  const { train, inputShape } = t.data
  const batchSize = t.r.training.batchSize
  let calls = 0
  return function* batches() {
    const order = permutation(train.n, deriveSeed(seed, `detect-prune/score-batches/${calls++}`))
    const n = Math.min(images, train.n)
    for (let start = 0; start < n; start += batchSize) {
      const batch = gatherDetectionBatch(train, null, order, start, Math.min(n, start + batchSize), inputShape, null)
      const xs = tf.tensor4d(batch.x, [batch.n, inputShape[0], inputShape[1], inputShape[2]])
      const ys = tf.tidy(() => {
        const targets = targetTensors(buildTargets(batch.objects, t.head), t.head)
        return packTargets(targets)
      })
      try {
        yield { xs, ys }
      } finally {
        xs.dispose()
        ys.dispose()
      }
    }
  }
}

export async function measureDetector(t: Task, model: tf.LayersModel, split: DetectionSplit = t.data.test): Promise<DetectorReport> {
  const evaluation = await evaluateDetector(model, split, t.data.inputShape, t.head)
  const m = measureModel(model)
  return { evaluation, params: m.params, nonZeroParams: m.nonZeroParams, macs: m.macs, serializedBytes: await serializedBytes(model), layers: m.layers }
}

export const mAPOn = async (t: Task, model: tf.LayersModel, split: DetectionSplit): Promise<number> =>
  (await evaluateDetector(model, split, t.data.inputShape, t.head)).mAP

/** Trains with `trainDetector`, streaming progress and per-epoch metrics (prefixed, steps offset). */
export function trainOn(
  t: Task,
  o: {
    model: tf.LayersModel
    split: DetectionSplit
    epochs: number
    phase: string
    seed: string
    prefix: string
    offset: number
    test?: DetectionSplit
    penalty?: () => tf.Scalar
    teacher?: tf.LayersModel
    quiet?: boolean
  },
): Promise<TrainDetectorResult> {
  const { r, data, head } = t
  return trainDetector({
    model: o.model,
    head,
    inputShape: data.inputShape,
    train: o.split,
    ...(o.test ? { test: o.test, evaluateEvery: 0 } : {}),
    training: { ...r.training, epochs: o.epochs },
    seed: deriveSeed(r.seed, o.seed),
    classNames: data.classNames,
    phase: o.phase,
    ...(o.penalty ? { penalty: o.penalty } : {}),
    ...(o.teacher ? { teacher: { model: o.teacher } } : {}),
    ...(o.quiet ? {} : { onProgress: (p) => r.sink.progress(p) }),
    onEpochEnd: o.quiet
      ? undefined
      : (epoch, metrics) => r.sink.metrics(Object.entries(metrics).map(([key, value]) => ({ key: o.prefix + key, step: o.offset + epoch, value }))),
  })
}

/** Measures the parent, reports its layers ('before') and logs what it is. */
export async function reportParent(t: Task, parent: tf.LayersModel): Promise<DetectorReport> {
  const report = await measureDetector(t, parent)
  t.r.sink.layers?.('before', report.layers)
  t.r.sink.log(
    'info',
    `parent detector: ${round(report.params, 0)} parameters, ${round(report.macs / 1e6, 2)} M MACs per image, test mAP ` +
      `${pct(report.evaluation.mAP)} (11-point ${pct(report.evaluation.mAP11)})`,
  )
  return report
}

/**
 * The shared end of a detector pruning run: measure, time against the parent (interleaved, as the
 * classification runs do), report layers ('after'), save the model and previews, report results:
 * compression = parent params / params, MAC reduction, speed-up, mAP change = mAP − parent mAP.
 */
export async function finishDetector(
  t: Task,
  o: { parent: tf.LayersModel; before: DetectorReport; model: tf.LayersModel; trainings: TrainDetectorResult[]; extra: Record<string, number> },
): Promise<void> {
  const { r, data } = t
  const { before: p, model } = o
  r.sink.progress({ phase: 'evaluate', epoch: 1, epochs: 1, step: 0, steps: 1, fraction: 1, etaSeconds: 0 })
  const after = await measureDetector(t, model)
  const n = Math.min(LATENCY_BATCH, data.test.n)
  const x = tf.tensor4d(data.test.x.slice(0, n * data.inputShape[0] * data.inputShape[1] * data.inputShape[2]), [n, ...data.inputShape])
  let timings: LatencyTimings
  try {
    timings = await interleavedTimings([o.parent, model], x)
  } finally {
    x.dispose()
  }
  r.sink.layers?.('after', after.layers)
  const files = await saveModel(model, join(r.job.artifactDir, 'model'))
  for (const f of files) r.sink.artifact({ kind: 'model', ...f })
  writePreviews(r.job, r.sink, data, after.evaluation, PREVIEWS)
  const [parentMs, prunedMs] = timings.wallMs
  const seconds = o.trainings.reduce((a, x) => a + x.seconds, 0)
  const epochs = o.trainings.reduce((a, x) => a + x.epochs, 0)
  const results: Record<string, number> = {
    ...o.extra,
    ...evaluationMetrics(p.evaluation, 'parent.test'),
    ...evaluationMetrics(after.evaluation, 'test', data.classNames),
    'test.examples': data.test.n,
    'train.examples': data.train.n,
    params: after.params,
    macs: after.macs,
    'model.bytes': files.reduce((a, f) => a + f.bytes, 0),
    ...sizeAndLatencyResults(p, after, timings, n),
    'mAP.change': after.evaluation.mAP - p.evaluation.mAP,
    ...(epochs > 0 ? { 'train.seconds': seconds, epochs } : {}),
  }
  r.sink.result(results)
  r.sink.log(
    'info',
    `pruned detector: ${round(p.params, 0)} → ${round(after.params, 0)} parameters (${(p.params / after.params).toFixed(2)}×), ` +
      `MACs −${pct(results['macs.reduction'])} %, latency ${parentMs.toFixed(2)} → ${prunedMs.toFixed(2)} ms per batch of ${n}, ` +
      `test mAP ${pct(p.evaluation.mAP)} → ${pct(after.evaluation.mAP)} (${((after.evaluation.mAP - p.evaluation.mAP) * 100).toFixed(2)} points)`,
  )
}

/** Loads the data and the parent, runs `body`, and releases the models. */
export async function withParent(r: DetectionPruneRun, body: (t: Task, parent: tf.LayersModel) => Promise<void>): Promise<void> {
  const data = loadDetectionDataset(r.dataset, r.job.dataDir)
  for (const w of data.warnings) r.sink.log('warn', `${w.file}: ${w.message}`)
  r.sink.log('info', `dataset ${data.name}: ${data.train.n} train / ${data.test.n} test images of [${data.inputShape.join(', ')}], ${data.numClasses} classes`)
  const t: Task = { r, data, head: detectionHead(r.model, data) }
  const parent = await loadDetectorParent(t)
  try {
    await body(t, parent)
  } finally {
    parent.dispose()
  }
}
