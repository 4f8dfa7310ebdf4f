/**
 * Detector distillation of Mehta & Ozturk (ECCV-W 2018, §4, METHODS D5), with teacher objectness
 * ô^T, class probabilities p^T and box parameters b^T (after FM-NMS when enabled):
 *   f_obj = f_obj(o^gt, ô) + λ_D·Σ_anchors (ô − ô^T)²
 *   f_cl  = f_cl(p^gt, p̂) + λ_D·Σ_cells ô^T_cell·f_cl(p^T, p̂)     (ô^T_cell = max over its B anchors)
 *   f_bb  = f_bb(b^gt, b̂) + λ_D·λ_coord·Σ_anchors ô^T·‖b̂ − b^T‖²
 * λ_D = 1. Unlabelled images contribute the teacher terms only. The objectness scaling keeps the
 * student from copying the teacher's class and box outputs at background cells, where they are
 * noise; turning it off (weights 1 everywhere) and FM-NMS off gives naive dense output
 * distillation, which the paper found can fall below the student trained alone.
 * The per-cell class scores of this head are scaled by the best objectness of the cell's anchors.
 */
import * as tf from '@tensorflow/tfjs'
import { fmNms } from './fm-nms'
import {
  boxTerm,
  classTerm,
  perImageSum,
  resolveYoloLoss,
  yoloTermsPerImage,
  type DetectionLoss,
  type TargetTensors,
  type YoloLossOptions,
} from './yolo-loss'
import { splitOutput, type YoloOutputParts } from './yolo-output'
import type { YoloHead } from './yolo-head'

export interface DetectorDistillOptions {
  /** λ_D (1). */
  lambdaD?: number
  /** Scale the class and box teacher terms by the teacher's objectness (true). */
  objectnessScaling?: boolean
  /** FM-NMS on the teacher's output (true). */
  fmNms?: boolean
  /** K of FM-NMS (3). */
  fmNmsK?: number
}

export type ResolvedDistill = Required<DetectorDistillOptions>

export function resolveDistill(o: DetectorDistillOptions = {}): ResolvedDistill {
  return { lambdaD: o.lambdaD ?? 1, objectnessScaling: o.objectnessScaling ?? true, fmNms: o.fmNms ?? true, fmNmsK: o.fmNmsK ?? 3 }
}

/** What the student learns from the teacher on a batch. */
export interface TeacherTargets {
  /** [N, S, S, B] ô^T. */
  objectness: tf.Tensor4D
  /** [N, S, S, C] p^T. */
  classProbs: tf.Tensor4D
  /** [N, S, S, B, 4] b^T = (σ(tx), σ(ty), tw, th). */
  boxes: tf.Tensor5D
}

/** The teacher's raw output → distillation targets, with FM-NMS when enabled. */
export function teacherTargets(teacherRaw: tf.Tensor, head: YoloHead, options: DetectorDistillOptions = {}): TeacherTargets {
  const o = resolveDistill(options)
  return tf.tidy(() => {
    const parts = splitOutput(teacherRaw, head)
    const probs = tf.softmax(parts.classLogits) as tf.Tensor4D
    if (!o.fmNms) return { objectness: parts.objectness, classProbs: probs, boxes: parts.boxes }
    const nms = fmNms(parts.objectness, probs, o.fmNmsK)
    return { objectness: nms.objectness, classProbs: nms.classProbs, boxes: parts.boxes }
  })
}

/** The teacher terms per image [N] (objectness, class, box), before averaging. */
export function teacherTermsPerImage(
  pred: YoloOutputParts,
  teacher: TeacherTargets,
  loss: ReturnType<typeof resolveYoloLoss>,
  o: ResolvedDistill,
): { obj: tf.Tensor1D; cls: tf.Tensor1D; box: tf.Tensor1D } {
  return tf.tidy(() => {
    const obj = tf.mul(perImageSum(tf.square(tf.sub(pred.objectness, teacher.objectness))), o.lambdaD)
    const cellScale = o.objectnessScaling ? tf.max(teacher.objectness, -1) : tf.onesLike(tf.max(teacher.objectness, -1))
    const perCell = classTerm(teacher.classProbs, pred.classLogits, loss.classLoss)
    const cls = tf.mul(perImageSum(tf.mul(cellScale, perCell)), o.lambdaD * loss.lambdaClass)
    const anchorScale = o.objectnessScaling ? teacher.objectness : tf.onesLike(teacher.objectness)
    const box = tf.mul(perImageSum(tf.mul(anchorScale, boxTerm(teacher.boxes, pred.boxes))), o.lambdaD * loss.lambdaCoord)
    return { obj, cls, box } as { obj: tf.Tensor1D; cls: tf.Tensor1D; box: tf.Tensor1D }
  })
}

/**
 * The Mehta–Ozturk loss of a batch. `truth` and `labelled` ([N], 1 for labelled images, 0 for
 * unlabelled ones) may be left out when the whole batch is unlabelled.
 */
export function mehtaOzturkLoss(
  pred: YoloOutputParts,
  teacher: TeacherTargets,
  truth: { targets: TargetTensors; labelled: tf.Tensor1D } | null,
  lossOptions: YoloLossOptions = {},
  distillOptions: DetectorDistillOptions = {},
): DetectionLoss {
  return tf.tidy(() => {
    const loss = resolveYoloLoss(lossOptions)
    const t = teacherTermsPerImage(pred, teacher, loss, resolveDistill(distillOptions))
    let obj: tf.Tensor1D = t.obj
    let cls: tf.Tensor1D = t.cls
    let box: tf.Tensor1D = t.box
    if (truth) {
      const g = yoloTermsPerImage(pred, truth.targets, loss)
      obj = tf.add(obj, tf.mul(truth.labelled, g.obj))
      cls = tf.add(cls, tf.mul(truth.labelled, g.cls))
      box = tf.add(box, tf.mul(truth.labelled, g.box))
    }
    const objMean = tf.mean(obj) as tf.Scalar
    const clsMean = tf.mean(cls) as tf.Scalar
    const boxMean = tf.mean(box) as tf.Scalar
    return { obj: objMean, cls: clsMean, box: boxMean, total: tf.addN([objMean, clsMean, boxMean]) as tf.Scalar }
  })
}
