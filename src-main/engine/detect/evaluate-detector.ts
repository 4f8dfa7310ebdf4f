/** Detector evaluation: detections on a split, VOC AP per class and mAP (all-point and 11-point). */
import type * as tf from '@tensorflow/tfjs'
import type { DetectionSplit } from './detection-dataset'
import { detect, type DecodeOptions } from './detections'
import type { Detection } from './nms'
import { meanAveragePrecision } from './voc-ap'
import type { YoloHead } from './yolo-head'

export interface DetectorEvaluation {
  /** VOC2010+ all-point mAP at IoU 0.5, in [0, 1]. */
  mAP: number
  /** Per-class all-point AP (null: no non-difficult ground truth of the class). */
  ap: Array<number | null>
  /** VOC2007 11-point mAP and per-class AP. */
  mAP11: number
  ap11: Array<number | null>
  /** Non-difficult ground-truth boxes per class. */
  npos: number[]
  detections: Detection[][]
  seconds: number
}

/** Runs the detector on a split and scores it with VOC AP at IoU 0.5. */
export async function evaluateDetector(
  model: tf.LayersModel,
  split: DetectionSplit,
  inputShape: readonly number[],
  head: YoloHead,
  options: DecodeOptions & { batchSize?: number; iouThreshold?: number } = {},
): Promise<DetectorEvaluation> {
  const started = performance.now()
  const detections = await detect(model, split, inputShape, head, options)
  const iouThreshold = options.iouThreshold ?? 0.5
  const all = meanAveragePrecision(detections, split.objects, head.numClasses, { method: 'all-point', iouThreshold })
  const eleven = meanAveragePrecision(detections, split.objects, head.numClasses, { method: '11-point', iouThreshold })
  return {
    mAP: all.mAP,
    ap: all.ap,
    mAP11: eleven.mAP,
    ap11: eleven.ap,
    npos: all.npos,
    detections,
    seconds: (performance.now() - started) / 1000,
  }
}
