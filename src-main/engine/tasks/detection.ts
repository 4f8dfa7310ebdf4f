/**
 * The detection task (METHODS D5): images with boxes (`shapes`, PASCAL VOC), YOLO detectors
 * checked against the run's head, training with the YOLO loss (or the Mehta–Ozturk loss from a
 * teacher detector), VOC mAP at IoU 0.5 (all-point) as the metric, the YOLO loss on packed targets
 * as the loss the Taylor criterion differentiates, and preview images at the end of a run.
 */
import * as tf from '@tensorflow/tfjs'
import { isDetectionDataset, isDetectionModel } from '../../../src-shared/spec/schema'
import {
  buildTargets,
  evaluateDetector,
  evaluationMetrics,
  headChannels,
  resolveDistill,
  targetTensors,
  trainDetector,
  type DetectionDataset,
  type DetectionSplit,
  type DetectorDistillOptions,
  type DetectorEvaluation,
  type TrainDetectorResult,
  type YoloHead,
} from '../detect'
import { gatherDetectionBatch } from '../detect/detection-batch'
import { deriveSeed } from '../random/seeded-rng'
import { buildDetector, detectionHead, detectionScoringLoss, loadDetectionDataset, packTargets, subsetImages, writePreviews } from './detection-setup'
import { loadCheckedModel } from '../models/model-files'
import { epochMetrics, finishTaskRun, parentModelPath, shapeText } from './run-end'
import { permutation } from './sampling'
import type { RunTask, TaskEvaluation, TaskRun, TaskTraining } from './task'

/** Training a detector may take the Mehta–Ozturk options and the dataset's unlabelled images. */
export type DetectionTraining = TaskTraining<DetectionSplit> & { distill?: DetectorDistillOptions; unlabelled?: boolean }

/** A detector's evaluation, with the detections (for previews). */
export interface DetectionEvaluation extends TaskEvaluation {
  detector: DetectorEvaluation
}

export interface DetectionTask extends RunTask<DetectionSplit> {
  readonly kind: 'detection'
  readonly data: DetectionDataset
  readonly head: YoloHead
  train(o: DetectionTraining): Promise<TrainDetectorResult>
  evaluate(model: tf.LayersModel, split?: DetectionSplit): Promise<DetectionEvaluation>
}

/** Test images drawn with their boxes at the end of a run whose method does not say how many. */
const PREVIEWS = 3

const pct = (x: number): string => (x * 100).toFixed(2)

/** Loads the run's detection dataset (logging what it holds and skipped) and returns its task. */
export function createDetectionTask(run: TaskRun): DetectionTask {
  const { job, config, sink } = run
  const spec = config.model
  const dataset = config.dataset
  if (!isDetectionDataset(dataset) || !isDetectionModel(spec)) {
    throw new Error(`method ${config.method.kind}: detection needs a shapes or voc dataset and a tinyYolo or denseStackedStudent model`)
  }
  const data = loadDetectionDataset(dataset, job.dataDir)
  for (const w of data.warnings) sink.log('warn', `${w.file}: ${w.message}`)
  sink.log('info', `dataset ${data.name}: ${data.train.n} train / ${data.test.n} test images of [${data.inputShape.join(', ')}], ${data.numClasses} classes`)
  const head = detectionHead(spec, data)
  const { inputShape } = data
  const method = config.method
  const previews = method.kind === 'detect' || method.kind === 'detect-distill' ? method.previews : PREVIEWS

  const evaluateOn = async (model: tf.LayersModel, split: DetectionSplit = data.test): Promise<DetectionEvaluation> => {
    const e = await evaluateDetector(model, split, inputShape, head)
    return {
      metric: e.mAP,
      results: (prefix) => evaluationMetrics(e, prefix, data.classNames),
      text: `${split === data.test ? 'test ' : ''}mAP ${pct(e.mAP)} (11-point ${pct(e.mAP11)})`,
      detector: e,
    }
  }

  const task: DetectionTask = {
    kind: 'detection',
    metric: 'mAP',
    unit: 'image',
    data,
    head,
    trainSplit: data.train,
    testSplit: data.test,
    scoringExamples: 256,
    batchNormHint: 'set model.batchNorm, or method.layers',
    modelText: () => `${spec.arch} (filters [${spec.filters.join(', ')}], ${head.gridSize}×${head.gridSize} grid, ${head.anchors.length} anchors)`,
    buildModel: () => buildDetector(spec, inputShape, head, config.seed),

    /** The parent detector, checked to take the dataset's images and to output its YOLO head. */
    loadParent: async () => {
      const model = await loadCheckedModel(parentModelPath(job), 'parent')
      const input = model.inputs[0].shape.slice(1)
      const output = model.outputs[0].shape
      const want = [null, head.gridSize, head.gridSize, headChannels(head)]
      let problem: string | null = null
      if (input.join() !== inputShape.join()) problem = `it takes images of ${shapeText(input)}, the dataset's are ${shapeText(inputShape)}`
      else if (output.join() !== want.join()) {
        problem = `it outputs ${shapeText(output)}, the YOLO head of this dataset needs ${shapeText(want)} (${head.anchors.length} anchors, ${head.numClasses} classes)`
      }
      if (problem) {
        model.dispose()
        throw new Error(`parent model ${job.parentModelPath} is not a detector for this dataset: ${problem}`)
      }
      return model
    },

    distillText: () => {
      const d = resolveDistill()
      return `the Mehta–Ozturk loss (λ_D = ${d.lambdaD}, objectness scaling ${d.objectnessScaling ? 'on' : 'off'}, FM-NMS ${d.fmNms ? `K = ${d.fmNmsK}` : 'off'})`
    },

    train: (o) => {
      if (o.teacher?.temperature !== undefined || o.teacher?.alpha !== undefined) {
        throw new Error('temperature and alpha do not apply to detectors: distillation from a detector uses the Mehta–Ozturk loss')
      }
      const unlabelled = o.unlabelled === true ? data.unlabelled : undefined
      return trainDetector({
        model: o.model,
        head,
        inputShape,
        train: o.split ?? data.train,
        ...(o.quiet ? {} : { test: data.test }),
        training: { ...config.training, ...o.training },
        seed: o.seed ?? config.seed,
        classNames: data.classNames,
        phase: o.phase,
        ...(o.penalty ? { penalty: o.penalty } : {}),
        ...(o.teacher ? { teacher: { model: o.teacher.model, ...(o.distill ? { options: o.distill } : {}) } } : {}),
        ...(unlabelled ? { unlabelled } : {}),
        ...(o.quiet ? {} : { onProgress: (p) => sink.progress(p), onEpochEnd: epochMetrics(sink, o.metricPrefix, o.stepOffset) }),
        ...(o.onStepEnd ? { onStepEnd: o.onStepEnd } : {}),
      })
    },

    evaluate: evaluateOn,
    subset: (split, indices) => subsetImages(split, indices, inputShape),

    holdOut: (fraction, purpose) => {
      const n = data.train.n
      const order = permutation(n, deriveSeed(config.seed, purpose))
      const nVal = Math.round(n * fraction)
      if (nVal < 1 || nVal >= n) throw new Error(`validationFraction ${fraction} of ${n} training images leaves an empty split`)
      return { train: subsetImages(data.train, order.subarray(nVal), inputShape), validation: subsetImages(data.train, order.subarray(0, nVal), inputShape) }
    },

    scoringBatch: (indices) => {
      const batch = gatherDetectionBatch(data.train, null, indices, 0, indices.length, inputShape, null)
      const xs = tf.tensor4d(batch.x, [batch.n, inputShape[0], inputShape[1], inputShape[2]])
      const ys = tf.tidy(() => packTargets(targetTensors(buildTargets(batch.objects, head), head)))
      return { xs, ys }
    },
    scoringLoss: detectionScoringLoss(head),

    inputBatch: (count) => {
      const n = Math.min(count, data.test.n)
      return tf.tensor4d(data.test.x.slice(0, n * inputShape[0] * inputShape[1] * inputShape[2]), [n, ...inputShape])
    },

    finish: (model, o) => {
      const dropped: Record<string, number> =
        o.trained && 'droppedObjects' in o.trained ? { 'train.droppedObjects': (o.trained as TrainDetectorResult).droppedObjects } : {}
      return finishTaskRun(task, run, model, {
        ...o,
        results: { ...o.results, ...dropped },
        trainKeys: ['train.loss'],
        afterSave: (e) => writePreviews(job, sink, data, e.detector, previews),
      })
    },
  }
  return task
}
