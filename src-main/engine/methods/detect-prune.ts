/**
 * Methods `prune` (METHODS P1/P2: Taylor and the other criteria, Molchanov's iterative protocol)
 * and `singh` (METHODS P3: Singh et al., WACV 2019, phases over layer groups) on detectors (issue
 * 7, METHODS D5). The structure analysis, the scorers, the global threshold, the l/l+1 filter
 * selection and the surgery are the classification ones (they trace the detectors' space-to-depth
 * stacking and concatenation); what changes is the task:
 *  - the parent is a YOLO detector (`detect` run), checked against the dataset's head;
 *  - training, fine-tuning and retraining use `trainDetector` (the YOLO loss; with `recover:
 *    'distill'` the Mehta–Ozturk loss with the unpruned parent as teacher);
 *  - the Taylor criterion differentiates the YOLO loss on detection batches (targets packed into
 *    one tensor per batch);
 *  - every "accuracy" is VOC mAP at IoU 0.5 (all-point): Singh's tolerance and the accuracy floor
 *    are in mAP (0..1), the results report `test.mAP`, `parent.test.mAP` and `mAP.change`.
 */
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { RunJob } from '../../worker/protocol'
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
import { loadModel, saveModel } from '../models/model-files'
import type { BatchProvider, LossFunction } from '../prune/importance/types'
import { measureModel, serializedBytes } from '../prune/measure'
import { iterativePruning, type PruneStepReport } from '../prune/prune-loop'
import { removedCount } from '../prune/select'
import { globalThreshold, l1Penalty, selectByLayerStatistics, zeroBelowThreshold } from '../prune/sparsity'
import { analyzeStructure, type PruneStructure } from '../prune/structure'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import { round, type SinkWithLayers } from './context'
import { detectionHead, loadDetectionDataset, writePreviews } from './detect'
import { loopResults, pruneSchedule, pruneStepReporter, reseeded, stopReason } from './prune'
import {
  LATENCY_BATCH,
  freshWeights,
  interleavedTimings,
  pruneScorer,
  removeUnitsFresh,
  resolveLayers,
  yieldToEventLoop,
  type LatencyTimings,
} from './prune-common'
import { phaseLayerSet, singhPhases, thresholdMetric } from './singh'

type PruneMethod = Extract<RunMethod, { kind: 'prune' }>
type SinghMethod = Extract<RunMethod, { kind: 'singh' }>

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
interface Task {
  r: DetectionPruneRun
  data: DetectionDataset
  head: YoloHead
}

/** A detector measured the way every detector pruning run reports it. */
interface DetectorReport {
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

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]
const shapeText = (s: readonly (number | null)[]): string => `[${s.map((d) => d ?? '?').join(', ')}]`
const pct = (x: number): string => `${(x * 100).toFixed(2)}`

/** Loads the unpruned detector and checks that it takes the dataset's images and outputs its head. */
async function loadDetectorParent(t: Task): Promise<tf.LayersModel> {
  const path = t.r.job.parentModelPath
  if (path === undefined || path === '') throw new Error(`a ${t.r.method.kind} run needs the model of its unpruned parent, and none was given`)
  let model: tf.LayersModel
  try {
    model = await loadModel(path)
  } catch (e) {
    throw new Error(`parent model ${path}: ${firstLine(e)}`)
  }
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
function detectorStructure(t: Task, model: tf.LayersModel): PruneStructure {
  let structure: PruneStructure
  try {
    structure = analyzeStructure(model)
  } catch (e) {
    throw new Error(`parent detector (${t.r.model.arch}): ${firstLine(e)}`)
  }
  if (structure.prunable.length === 0) throw new Error(`the parent detector (${t.r.model.arch}) has no Conv2D layer whose filters can be removed`)
  return structure
}

/** The images of `indices` as a split of their own. */
function subset(split: DetectionSplit, indices: ArrayLike<number>, inputShape: readonly number[]): DetectionSplit {
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
const permutation = (n: number, seed: number): Int32Array => shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), createRng(seed))

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

async function measureDetector(t: Task, model: tf.LayersModel, split: DetectionSplit = t.data.test): Promise<DetectorReport> {
  const evaluation = await evaluateDetector(model, split, t.data.inputShape, t.head)
  const m = measureModel(model)
  return { evaluation, params: m.params, nonZeroParams: m.nonZeroParams, macs: m.macs, serializedBytes: await serializedBytes(model), layers: m.layers }
}

const mAPOn = async (t: Task, model: tf.LayersModel, split: DetectionSplit): Promise<number> =>
  (await evaluateDetector(model, split, t.data.inputShape, t.head)).mAP

/** Trains with `trainDetector`, streaming progress and per-epoch metrics (prefixed, steps offset). */
function trainOn(
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
async function reportParent(t: Task, parent: tf.LayersModel): Promise<DetectorReport> {
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
async function finishDetector(
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
  const [parentCpuMs, prunedCpuMs] = timings.cpuMs
  const seconds = o.trainings.reduce((a, x) => a + x.seconds, 0)
  const epochs = o.trainings.reduce((a, x) => a + x.epochs, 0)
  const results: Record<string, number> = {
    ...o.extra,
    ...evaluationMetrics(p.evaluation, 'parent.test'),
    'parent.params': p.params,
    'parent.params.nonzero': p.nonZeroParams,
    'parent.macs': p.macs,
    'parent.serialized.bytes': p.serializedBytes,
    'parent.latency.ms': parentMs,
    'parent.latency.cpu.ms': parentCpuMs,
    ...evaluationMetrics(after.evaluation, 'test', data.classNames),
    'test.examples': data.test.n,
    'train.examples': data.train.n,
    params: after.params,
    'params.nonzero': after.nonZeroParams,
    macs: after.macs,
    'serialized.bytes': after.serializedBytes,
    'model.bytes': files.reduce((a, f) => a + f.bytes, 0),
    'latency.ms': prunedMs,
    'latency.cpu.ms': prunedCpuMs,
    'latency.batch': n,
    compression: p.params / after.params,
    'compression.nonzero': p.nonZeroParams / after.nonZeroParams,
    'macs.reduction': p.macs > 0 ? 1 - after.macs / p.macs : 0,
    speedup: parentMs / prunedMs,
    'speedup.cpu': parentCpuMs / prunedCpuMs,
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
async function withParent(r: DetectionPruneRun, body: (t: Task, parent: tf.LayersModel) => Promise<void>): Promise<void> {
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

/** `prune` on a detector: Molchanov's iterative protocol with mAP as the metric. */
export function runDetectionPrune(r: DetectionPruneRun & { method: PruneMethod }): Promise<void> {
  const m = r.method
  const scorer = pruneScorer(m.criterion, m.flopsLambda)
  return withParent(r, async (t, parent) => {
    const { sink } = r
    const structure = detectorStructure(t, parent)
    const layers = resolveLayers(structure, m.layers, 'method.layers')
    if (m.criterion === 'bn-scale') {
      const without = layers.filter((l) => l.batchNorm === null).map((l) => `'${l.name}'`)
      if (without.length) throw new Error(`criterion 'bn-scale' needs a BatchNormalization after each pruned layer; ${without.join(', ')} have none`)
    }
    const steps = await pruneSchedule(parent, structure, layers, m)
    const before = await reportParent(t, parent)
    const units = layers.reduce((a, l) => a + l.units, 0)
    sink.log(
      'info',
      `pruning the detector by ${m.criterion}: up to ${steps.reduce((a, b) => a + b, 0)} of ${units} filters of ${layers.length} layers, ` +
        `${m.unitsPerStep} per step, ${m.fineTuneSteps} fine-tuning updates between steps; metric: test mAP`,
    )
    const teacher = m.recover === 'distill' ? parent : undefined
    // A few minibatch updates at a time, from a rolling seeded permutation of the training images.
    const order = permutation(t.data.train.n, deriveSeed(r.seed, 'detect-prune/finetune-order'))
    let cursor = 0
    let calls = 0
    const fineTune = async (model: tf.LayersModel): Promise<void> => {
      freshWeights(model)
      const count = Math.min(m.fineTuneSteps * r.training.batchSize, t.data.train.n)
      if (count > 0) {
        const indices = Array.from({ length: count }, (_, i) => order[(cursor + i) % order.length])
        cursor = (cursor + count) % order.length
        const split = subset(t.data.train, indices, t.data.inputShape)
        await trainOn(t, { model, split, epochs: 1, phase: 'prune', seed: `detect-prune/finetune-${calls++}`, prefix: '', offset: 0, teacher, quiet: true })
      }
      await yieldToEventLoop()
    }
    const stop = new AbortController()
    const reached = (s: PruneStepReport): boolean =>
      (m.target.macs !== undefined && s.macs <= m.target.macs * before.macs) || (m.target.params !== undefined && s.params <= m.target.params * before.params)
    const x = tf.tensor4d(t.data.test.x.slice(0, Math.min(LATENCY_BATCH, t.data.test.n) * t.data.inputShape.reduce((a, b) => a * b, 1)), [
      Math.min(LATENCY_BATCH, t.data.test.n),
      ...t.data.inputShape,
    ])
    let pruned: tf.LayersModel | null = null
    try {
      const result = await iterativePruning({
        model: parent,
        scorer: reseeded(scorer, r.seed),
        context: { layers: layers.map((l) => l.name), data: detectionScoringBatches(t, r.seed), loss: detectionScoringLoss(t.head), seed: r.seed },
        steps,
        minUnits: m.minUnits,
        fineTune,
        evaluate: (model) => mAPOn(t, model, t.data.test),
        minMetric: m.target.accuracyFloor,
        latencyInput: x,
        onStep: pruneStepReporter({ sink, steps: steps.length, metricKey: 'test.mAP', reached, stop }),
        signal: stop.signal,
      })
      pruned = result.model
      const kept = result.reports[result.reports.length - (result.stoppedBy === 'accuracy-floor' ? 2 : 1)]
      sink.log(
        result.stoppedBy === 'accuracy-floor' || result.stoppedBy === 'nothing-left' ? 'warn' : 'info',
        `stopped after ${kept.step} steps (${stopReason(result.stoppedBy, m.target.accuracyFloor, 'mAP')}): ${kept.totalRemoved} filters removed, test mAP before the final ` +
          `${m.recover === 'distill' ? 'distillation' : 'fine-tuning'} ${pct(kept.metric)}`,
      )
      const trainings: TrainDetectorResult[] = []
      if (m.finalEpochs > 0) {
        trainings.push(
          await trainOn(t, { model: pruned, split: t.data.train, epochs: m.finalEpochs, phase: m.recover === 'distill' ? 'distill' : 'finetune', seed: 'detect-prune/final', prefix: 'finetune.', offset: 0, test: t.data.test, teacher }),
        )
      }
      await finishDetector(t, {
        parent,
        before,
        model: pruned,
        trainings,
        extra: loopResults('pruned.test.mAP', kept, units, result.stoppedBy),
      })
    } finally {
      x.dispose()
      pruned?.dispose()
    }
  })
}

/** `singh` on a detector: the phases of Singh et al. 2019 with validation mAP choosing each threshold. */
export function runDetectionSingh(r: DetectionPruneRun & { method: SinghMethod }): Promise<void> {
  const m = r.method
  return withParent(r, async (t, parent) => {
    const { sink } = r
    const structure = detectorStructure(t, parent)
    const phases = singhPhases(structure.prunable, m.phases, (names, field) => resolveLayers(structure, names, field))
    const order = permutation(t.data.train.n, deriveSeed(r.seed, 'singh/validation'))
    const nVal = Math.round(t.data.train.n * m.validationFraction)
    if (nVal < 1 || nVal >= t.data.train.n) throw new Error(`method.validationFraction ${m.validationFraction} of ${t.data.train.n} training images leaves an empty split`)
    const validation = subset(t.data.train, order.subarray(0, nVal), t.data.inputShape)
    const train = subset(t.data.train, order.subarray(nVal), t.data.inputShape)
    const before = await reportParent(t, parent)
    sink.log(
      'info',
      `Singh et al. 2019 on the detector: ${phases.length} phases (${phases.map((p) => p.join('+')).join(' → ')}), λ = ${m.l1}, ` +
        `tolerance ${m.tolerance} mAP (on the ${m.toleranceOn} model), cut-off ${m.cutoff}; ${train.n} training / ${validation.n} validation images`,
    )
    let model = await removeUnitsFresh(parent, {}) // a private copy: the parent stays the reference
    try {
      let offset = 0
      let removedTotal = 0
      const trainings: TrainDetectorResult[] = []
      for (let i = 0; i < phases.length; i++) {
        const phase = i + 1
        const { structure: s, l1Set } = phaseLayerSet(model, phases[i])
        const current: tf.LayersModel = model
        // 1. Sparsity induction: YOLO loss + λ·Σ|w| (Singh 2019, eq. 1) over the phase's layer set.
        if (m.sparsityEpochs > 0) {
          const penalty = (): tf.Scalar => l1Penalty(current, l1Set, m.l1)
          trainings.push(await trainOn(t, { model: current, split: train, epochs: m.sparsityEpochs, phase: `sparsity ${phase}/${phases.length}`, seed: `singh/sparsity-${phase}`, prefix: 'sparsity.', offset, penalty }))
          offset += m.sparsityEpochs
        }
        // 2. One global threshold for the layer set, chosen on validation mAP.
        const judge = thresholdMetric({ toleranceOn: m.toleranceOn, layers: phases[i], cutoff: m.cutoff, structure: s, evaluate: (x) => mAPOn(t, x, validation) })
        const chosen = await globalThreshold(current, judge, { layers: l1Set, tolerance: m.tolerance })
        const zeroed = zeroBelowThreshold(current, l1Set, chosen.threshold)
        // 3. Filters of l that are mostly zero, or whose inputs in l+1 are mostly zero.
        const { remove, stats } = selectByLayerStatistics(current, { layers: phases[i], cutoff: m.cutoff, minUnits: 1, structure: s })
        const removed = removedCount(remove)
        // 4. Surgery: the filters and the matching inputs of l+1 (through stacking and concatenation).
        if (removed > 0) {
          model = await removeUnitsFresh(current, remove, s)
          current.dispose()
        }
        removedTotal += removed
        const byReason = (why: string): number => stats.filter((x) => x.remove && x.reason === why).length
        sink.log(
          'info',
          `phase ${phase} (${phases[i].join(', ')}): threshold ${chosen.threshold.toExponential(3)} zeroes ${(chosen.zeroFraction * 100).toFixed(1)} % ` +
            `of ${l1Set.length} kernels (${zeroed} weights; validation mAP ${pct(chosen.baseline)} → ${pct(chosen.metric)}); removed ${removed} ` +
            `filters (${byReason('zero-filter')} mostly-zero, ${byReason('zero-next-inputs')} with mostly-zero inputs in l+1)`,
        )
        // 5. Retraining with the YOLO loss, no L1.
        if (m.retrainEpochs > 0) {
          trainings.push(await trainOn(t, { model, split: train, epochs: m.retrainEpochs, phase: `retrain ${phase}/${phases.length}`, seed: `singh/retrain-${phase}`, prefix: 'retrain.', offset }))
          offset += m.retrainEpochs
        }
        const measured = measureModel(model)
        sink.metrics(
          [
            { key: 'threshold', value: chosen.threshold },
            { key: 'zero.fraction', value: chosen.zeroFraction },
            { key: 'removed', value: removedTotal },
            { key: 'params', value: measured.params },
            { key: 'macs', value: measured.macs },
            { key: 'val.mAP', value: await mAPOn(t, model, validation) },
            { key: 'test.mAP', value: await mAPOn(t, model, t.data.test) },
          ].map((p) => ({ ...p, step: phase })),
        )
        await yieldToEventLoop()
      }
      await finishDetector(t, { parent, before, model, trainings, extra: { removed: removedTotal, phases: phases.length } })
    } finally {
      model.dispose()
    }
  })
}
