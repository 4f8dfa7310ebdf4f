/**
 * The YOLO loss f_obj + f_cl + f_bb (Redmon et al. 2016 eq. 3; Redmon & Farhadi 2017), summed over
 * the grid of each image and averaged over the batch:
 *   f_obj = Σ_anchors [r·(ô − 1)² + λ_noobj·(1 − r)·ô²]          (r = 1 at responsible anchors)
 *   f_cl  = Σ_cells with objects CE(p, p̂) = −Σ_c p_c·log p̂_c     (or Σ_c (p̂_c − p_c)², YOLOv1)
 *   f_bb  = λ_coord·Σ_anchors r·‖b̂ − b‖²,  b = (σ(tx), σ(ty), tw, th)
 * Coordinates: YOLOv2 offsets — the centre as the sigmoid offset within its cell and the size as
 * log-ratio to the anchor prior (tw = ln(w/p_w)); the log makes an error in size count relative
 * to the size, which is what YOLOv1's √w, √h approximated. The objectness target is 1 (not the
 * IoU of YOLOv1/v2's "rescore"), and YOLOv2's "ignore" of well-placed negatives is not used.
 * Class loss: cross-entropy by default, which is what Darknet's region layer back-propagates
 * (its delta truth − p̂ is applied to the logits); `squared` is YOLOv1's sum-squared error.
 */
import * as tf from '@tensorflow/tfjs'
import type { YoloTargets } from './yolo-targets'
import type { YoloHead } from './yolo-head'
import type { YoloOutputParts } from './yolo-output'

export interface YoloLossOptions {
  /** λ_coord, YOLOv1's 5. */
  lambdaCoord?: number
  /** λ_noobj, YOLOv1's 0.5. */
  lambdaNoObj?: number
  /** Weight of the whole class term (1). */
  lambdaClass?: number
  classLoss?: 'cross-entropy' | 'squared'
}

export type ResolvedYoloLoss = Required<YoloLossOptions>

export function resolveYoloLoss(o: YoloLossOptions = {}): ResolvedYoloLoss {
  return {
    lambdaCoord: o.lambdaCoord ?? 5,
    lambdaNoObj: o.lambdaNoObj ?? 0.5,
    lambdaClass: o.lambdaClass ?? 1,
    classLoss: o.classLoss ?? 'cross-entropy',
  }
}

/** The three terms and their sum, each a batch mean of per-image sums. */
export interface DetectionLoss {
  obj: tf.Scalar
  cls: tf.Scalar
  box: tf.Scalar
  total: tf.Scalar
}

/** Targets as tensors (see YoloTargets). */
export interface TargetTensors {
  responsible: tf.Tensor4D
  boxes: tf.Tensor5D
  classes: tf.Tensor4D
}

/** YoloTargets → tensors shaped for the head. */
export function targetTensors(t: YoloTargets, head: YoloHead): TargetTensors {
  const S = head.gridSize
  const B = head.anchors.length
  return {
    responsible: tf.tensor4d(t.responsible, [t.n, S, S, B]),
    boxes: tf.tensor5d(t.boxes, [t.n, S, S, B, 4]),
    classes: tf.tensor4d(t.classes, [t.n, S, S, head.numClasses]),
  }
}

/** Per-image sum over all axes but the first: [N, …] → [N]. */
export function perImageSum(x: tf.Tensor): tf.Tensor1D {
  return tf.sum(x, x.shape.slice(1).map((_, i) => i + 1)) as tf.Tensor1D
}

/**
 * f_cl per cell between a target distribution p and the logits: CE −Σ p·log softmax, or
 * Σ (softmax − p)²; [N, S, S].
 */
export function classTerm(target: tf.Tensor4D, logits: tf.Tensor4D, kind: ResolvedYoloLoss['classLoss']): tf.Tensor3D {
  return tf.tidy(() => {
    if (kind === 'squared') return tf.sum(tf.square(tf.sub(tf.softmax(logits), target)), -1) as tf.Tensor3D
    return tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(logits)), -1)) as tf.Tensor3D
  })
}

/** Squared distance of box parameters per anchor: ‖b̂ − b‖², [N, S, S, B]. */
export function boxTerm(target: tf.Tensor5D, predicted: tf.Tensor5D): tf.Tensor4D {
  return tf.sum(tf.square(tf.sub(predicted, target)), -1) as tf.Tensor4D
}

/**
 * The per-image YOLO terms [N] of the ground truth (f_obj, f_cl, f_bb). Classes use the target
 * distribution, which is zero in cells without objects, so no cell mask is needed.
 */
export function yoloTermsPerImage(
  pred: YoloOutputParts,
  t: TargetTensors,
  o: ResolvedYoloLoss,
): { obj: tf.Tensor1D; cls: tf.Tensor1D; box: tf.Tensor1D } {
  return tf.tidy(() => {
    const r = t.responsible
    const weight = tf.add(r, tf.mul(tf.sub(1, r), o.lambdaNoObj))
    const obj = perImageSum(tf.mul(weight, tf.square(tf.sub(pred.objectness, r))))
    const hasObject = tf.cast(tf.greater(tf.sum(t.classes, -1), 0), 'float32')
    const cls = tf.mul(perImageSum(tf.mul(hasObject, classTerm(t.classes, pred.classLogits, o.classLoss))), o.lambdaClass)
    const box = tf.mul(perImageSum(tf.mul(r, boxTerm(t.boxes, pred.boxes))), o.lambdaCoord)
    return { obj, cls, box } as { obj: tf.Tensor1D; cls: tf.Tensor1D; box: tf.Tensor1D }
  })
}

/** The YOLO loss of a batch: per-image sums of f_obj, f_cl, f_bb, averaged over the images. */
export function yoloLoss(pred: YoloOutputParts, t: TargetTensors, options: YoloLossOptions = {}): DetectionLoss {
  return tf.tidy(() => {
    const terms = yoloTermsPerImage(pred, t, resolveYoloLoss(options))
    const obj = tf.mean(terms.obj) as tf.Scalar
    const cls = tf.mean(terms.cls) as tf.Scalar
    const box = tf.mean(terms.box) as tf.Scalar
    return { obj, cls, box, total: tf.addN([obj, cls, box]) as tf.Scalar }
  })
}
