/**
 * The YOLO loss and the Mehta–Ozturk distillation loss against hand-worked values, on a 2×2 grid
 * with one anchor [.5, .5] and two classes (channels: tx, ty, tw, th, to, class0, class1).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import type { DetectionObject } from '../../../../src-main/engine/detect/detection-dataset'
import { mehtaOzturkLoss, teacherTargets } from '../../../../src-main/engine/detect/mehta-ozturk-loss'
import type { YoloHead } from '../../../../src-main/engine/detect/yolo-head'
import { targetTensors, yoloLoss, type DetectionLoss, type TargetTensors } from '../../../../src-main/engine/detect/yolo-loss'
import { splitOutput } from '../../../../src-main/engine/detect/yolo-output'
import { buildTargets } from '../../../../src-main/engine/detect/yolo-targets'

beforeAll(async () => {
  await selectBackend('cpu')
})

const head: YoloHead = { gridSize: 2, anchors: [[0.5, 0.5]], numClasses: 2 }
const LN2 = Math.log(2)
const LN3 = Math.log(3)

/*
 * Ground truth: one object of class 1, box [.25, .25, .5, .5] → centre (.375, .375), size .25.
 * Cell: column ⌊.375·2⌋ = 0, row 0. Targets: offsets (.75, .75), tw = th = ln(.25/.5) = −ln 2.
 * Student output all zeros: σ(0) = .5 for offsets and objectness, tw = th = 0, p̂ = (.5, .5).
 *   f_obj = (.5 − 1)² + 3 cells · λ_noobj(.5)·.5² = .25 + .375 = .625
 *   f_cl  = CE((0, 1), (.5, .5)) = ln 2 = .693147      (squared: .5² + .5² = .5)
 *   f_bb  = λ_coord(5)·[2·(.5 − .75)² + 2·(0 + ln 2)²] = 5·(.125 + 2 ln²2) = 5.429530
 * An image without objects: f_obj = 4·.5·.25 = .5, f_cl = f_bb = 0.
 */
const object: DetectionObject = { classId: 1, xMin: 0.25, yMin: 0.25, xMax: 0.5, yMax: 0.5, difficult: false }
const GT = { obj: 0.625, cls: LN2, box: 5 * (0.125 + 2 * LN2 * LN2) }

function values(loss: DetectionLoss): { obj: number; cls: number; box: number; total: number } {
  const out = { obj: loss.obj.dataSync()[0], cls: loss.cls.dataSync()[0], box: loss.box.dataSync()[0], total: loss.total.dataSync()[0] }
  tf.dispose([loss.obj, loss.cls, loss.box, loss.total])
  return out
}

function expectLoss(got: ReturnType<typeof values>, want: { obj: number; cls: number; box: number }): void {
  expect(got.obj).toBeCloseTo(want.obj, 5)
  expect(got.cls).toBeCloseTo(want.cls, 5)
  expect(got.box).toBeCloseTo(want.box, 5)
  expect(got.total).toBeCloseTo(want.obj + want.cls + want.box, 5)
}

describe('buildTargets', () => {
  it('encodes the responsible cell, offsets, log sizes and classes', () => {
    const t = buildTargets([[object]], head)
    expect(Array.from(t.responsible)).toEqual([1, 0, 0, 0])
    expect(Array.from(t.boxes.subarray(0, 4)).map((v) => +v.toFixed(6))).toEqual([0.75, 0.75, -+LN2.toFixed(6), -+LN2.toFixed(6)])
    expect(Array.from(t.classes)).toEqual([0, 1, 0, 0, 0, 0, 0, 0])
    expect(t.dropped).toBe(0)
  })

  it('gives a second object in a taken cell the next anchor, drops one with none left, skips difficult ones', () => {
    const two: YoloHead = { gridSize: 1, anchors: [[0.2, 0.2], [0.6, 0.6]], numClasses: 2 }
    const small: DetectionObject = { classId: 0, xMin: 0.4, yMin: 0.4, xMax: 0.6, yMax: 0.6, difficult: false }
    const t = buildTargets([[small, { ...small, classId: 1 }, small, { ...small, difficult: true }]], two)
    expect(Array.from(t.responsible)).toEqual([1, 1])
    expect(t.dropped).toBe(1)
    // The cell's class target is the mean of its two objects' one-hots.
    expect(Array.from(t.classes)).toEqual([0.5, 0.5])
  })
})

describe('yoloLoss', () => {
  it('matches the hand-worked terms, and averages per-image sums over the batch', () => {
    const raw = tf.zeros([2, 2, 2, 7])
    const t = targetTensors(buildTargets([[object], []], head), head)
    const pred = splitOutput(raw, head)
    expectLoss(values(yoloLoss(pred, t)), { obj: (GT.obj + 0.5) / 2, cls: GT.cls / 2, box: GT.box / 2 })
    expectLoss(values(yoloLoss(pred, t, { classLoss: 'squared' })), { obj: (GT.obj + 0.5) / 2, cls: 0.5 / 2, box: GT.box / 2 })
    expectLoss(values(yoloLoss(pred, t, { lambdaCoord: 1, lambdaNoObj: 1 })), { obj: (0.25 + 0.75 + 1) / 2, cls: GT.cls / 2, box: GT.box / 5 / 2 })
    tf.dispose([raw, pred.boxes, pred.objectness, pred.classLogits, t.responsible, t.boxes, t.classes])
  })

  it('is zero for a perfect prediction apart from the class entropy floor', () => {
    // Perfect: offsets σ(tx) = .75 → tx = ln 3, tw = th = −ln 2, objectness logit +∞ (use 30), other
    // cells −30; class logits (−30, 30). Everything but float noise vanishes.
    const raw = tf.tensor4d(
      [LN3, LN3, -LN2, -LN2, 30, -30, 30, 0, 0, 0, 0, -30, 0, 0, 0, 0, 0, 0, -30, 0, 0, 0, 0, 0, 0, -30, 0, 0],
      [1, 2, 2, 7],
    )
    const t = targetTensors(buildTargets([[object]], head), head)
    const pred = splitOutput(raw, head)
    const v = values(yoloLoss(pred, t))
    expect(v.total).toBeLessThan(1e-6)
    tf.dispose([raw, pred.boxes, pred.objectness, pred.classLogits, t.responsible, t.boxes, t.classes])
  })
})

/*
 * Teacher output (raw), per cell:
 *   (0,0): to = ln 3 → ô^T = .75; class logits (0, ln 3) → p^T = (.25, .75); tw^T = 1, others 0
 *   (0,1): to = −ln 3 → .25;      class logits (0, ln 3) → (.25, .75)
 *   (1,0): to = −ln 4 → .2;       class logits (ln 3, 0) → (.75, .25)
 *   (1,1): to = −ln 9 → .1;       class logits (ln 3, 0) → (.75, .25)
 * b^T = (.5, .5, tw^T, 0) per cell. Student output all zeros: ô = .5, p̂ = (.5, .5), b̂ = (.5, .5, 0, 0).
 * CE(p, p̂) = −Σp·ln .5 = (Σp)·ln 2 for any p.
 *
 * FM-NMS off, objectness scaling on (no ground truth):
 *   obj = (.5−.75)² + (.5−.25)² + (.5−.2)² + (.5−.1)² = .0625 + .0625 + .09 + .16 = .375
 *   cls = (.75 + .25 + .2 + .1)·ln 2 = 1.3 ln 2
 *   box = λ_coord·.75·‖(0, 0, −1, 0)‖² = 5·.75 = 3.75
 * Scaling off (naive dense distillation): cls = 4 ln 2, box = 5·1 = 5.
 * FM-NMS on (K = 3 covers the whole 2×2 grid): class 1 at (0,0) .75 and (0,1) .25 → (0,1) zeroed;
 * class 0 at (1,0) .2 and (1,1) .1 → (1,1) zeroed. ô^T = (.75, 0, .2, 0); p^T(0,1) = (.25, 0),
 * p^T(1,1) = (0, .25).
 *   obj = .0625 + .25 + .09 + .25 = .6525
 *   cls (scaled) = (.75·1 + 0 + .2·1 + 0)·ln 2 = .95 ln 2;  (unscaled) = (1 + .25 + 1 + .25)·ln 2 = 2.5 ln 2
 *   box (scaled) = 3.75;  (unscaled) = 5
 * With ground truth (the object above) a labelled image adds GT = (.625, ln 2, 5.429530).
 */
const teacherRaw = (): tf.Tensor4D =>
  tf.tensor4d(
    [0, 0, 1, 0, LN3, 0, LN3, 0, 0, 0, 0, -LN3, 0, LN3, 0, 0, 0, 0, -Math.log(4), LN3, 0, 0, 0, 0, 0, -Math.log(9), LN3, 0],
    [1, 2, 2, 7],
  )

function distill(options: Parameters<typeof mehtaOzturkLoss>[4], labelled: number[] | null): ReturnType<typeof values> {
  const n = labelled?.length ?? 1
  const student = tf.zeros([n, 2, 2, 7])
  const t1 = teacherRaw()
  const tRaw = n === 1 ? t1 : tf.concat(Array.from({ length: n }, () => t1))
  const teacher = teacherTargets(tRaw, head, options)
  const pred = splitOutput(student, head)
  let truth: { targets: TargetTensors; labelled: tf.Tensor1D } | null = null
  if (labelled) truth = { targets: targetTensors(buildTargets(labelled.map(() => [object]), head), head), labelled: tf.tensor1d(labelled) }
  const out = values(mehtaOzturkLoss(pred, teacher, truth, {}, options))
  tf.dispose([student, t1, tRaw, teacher.objectness, teacher.classProbs, teacher.boxes, pred.boxes, pred.objectness, pred.classLogits])
  if (truth) tf.dispose([truth.labelled, truth.targets.responsible, truth.targets.boxes, truth.targets.classes])
  return out
}

describe('mehtaOzturkLoss', () => {
  it('objectness-scaled teacher terms without FM-NMS', () => {
    expectLoss(distill({ fmNms: false }, null), { obj: 0.375, cls: 1.3 * LN2, box: 3.75 })
  })

  it('naive dense output distillation (scaling and FM-NMS off)', () => {
    expectLoss(distill({ fmNms: false, objectnessScaling: false }, null), { obj: 0.375, cls: 4 * LN2, box: 5 })
  })

  it('FM-NMS on the teacher, with and without scaling', () => {
    expectLoss(distill({}, null), { obj: 0.6525, cls: 0.95 * LN2, box: 3.75 })
    expectLoss(distill({ objectnessScaling: false }, null), { obj: 0.6525, cls: 2.5 * LN2, box: 5 })
  })

  it('λ_D scales every teacher term', () => {
    expectLoss(distill({ fmNms: false, lambdaD: 2 }, null), { obj: 0.75, cls: 2.6 * LN2, box: 7.5 })
  })

  it('adds the ground-truth terms for labelled images only (unlabelled: teacher terms only)', () => {
    const teacherOnly = { obj: 0.6525, cls: 0.95 * LN2, box: 3.75 }
    expectLoss(distill({}, [1]), { obj: teacherOnly.obj + GT.obj, cls: teacherOnly.cls + GT.cls, box: teacherOnly.box + GT.box })
    expectLoss(distill({}, [0]), teacherOnly)
    // A batch of one labelled and one unlabelled image: the mean of the two.
    expectLoss(distill({}, [1, 0]), { obj: teacherOnly.obj + GT.obj / 2, cls: teacherOnly.cls + GT.cls / 2, box: teacherOnly.box + GT.box / 2 })
  })

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors
    distill({}, [1, 0])
    expect(tf.memory().numTensors).toBe(before)
  })
})
