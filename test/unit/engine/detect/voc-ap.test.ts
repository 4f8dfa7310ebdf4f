/** VOC AP at IoU 0.5 against hand-worked cases (all-point and 11-point), IoU and NMS. */
import { describe, expect, it } from 'vitest'
import { iou } from '../../../../src-main/engine/detect/box'
import type { DetectionObject } from '../../../../src-main/engine/detect/detection-dataset'
import { classwiseNms, nonMaxSuppression, type Detection } from '../../../../src-main/engine/detect/nms'
import { averagePrecision, averagePrecisionOfCurve, classCurve, meanAveragePrecision } from '../../../../src-main/engine/detect/voc-ap'

const gt = (classId: number, xMin: number, yMin: number, xMax: number, yMax: number, difficult = false): DetectionObject => ({ classId, xMin, yMin, xMax, yMax, difficult })
const det = (classId: number, score: number, xMin: number, yMin: number, xMax: number, yMax: number): Detection => ({ classId, score, xMin, yMin, xMax, yMax })

describe('iou', () => {
  it('matches hand values', () => {
    // [0,0,.5,.5] vs [.25,.25,.75,.75]: intersection .25² = .0625, union .25 + .25 − .0625 = .4375.
    expect(iou({ xMin: 0, yMin: 0, xMax: 0.5, yMax: 0.5 }, { xMin: 0.25, yMin: 0.25, xMax: 0.75, yMax: 0.75 })).toBeCloseTo(0.0625 / 0.4375, 12)
    expect(iou({ xMin: 0, yMin: 0, xMax: 0.5, yMax: 0.5 }, { xMin: 0.5, yMin: 0, xMax: 1, yMax: 0.5 })).toBe(0) // touching
    expect(iou({ xMin: 0.1, yMin: 0.2, xMax: 0.3, yMax: 0.4 }, { xMin: 0.1, yMin: 0.2, xMax: 0.3, yMax: 0.4 })).toBeCloseTo(1, 12)
  })
})

/*
 * The worked case. Class 0, two images:
 *   image 0: A = [0, 0, .4, .4], B = [.5, .5, .9, .9]
 *   image 1: C = [.1, .1, .5, .5], D = [.6, .6, .9, .9] (difficult)        npos = 3 (D does not count)
 * Detections of class 0 by decreasing score:
 *   d1 .9  image 0, exactly A                          → TP            TP=1 FP=0  R=1/3 P=1
 *   d2 .8  image 0, exactly A again                    → FP (duplicate) TP=1 FP=1 R=1/3 P=1/2
 *   d3 .7  image 1, exactly D (difficult)              → ignored (no point on the curve)
 *   d5 .5  image 1, [.1,.1,.5,.4]: IoU with C = .12/.16 = .75 → TP   TP=2 FP=1  R=2/3 P=2/3
 *   d6 .4  image 0, [.5,.5,.9,.65]: IoU with B = .06/.16 = .375 → FP TP=2 FP=2  R=2/3 P=1/2
 *   d4 .3  image 1, [.9,0,1,.1], far from all          → FP            TP=2 FP=3  R=2/3 P=2/5
 * All-point: monotone precision at the recall steps 0→1/3 is 1, 1/3→2/3 is max(2/3, 1/2, 2/5) = 2/3,
 *   2/3→1 (sentinel) is 0: AP = 1/3·1 + 1/3·2/3 = 5/9.
 * 11-point: t = 0, .1, .2, .3 → max precision at recall ≥ t = 1; t = .4, .5, .6 → 2/3; t ≥ .7 → 0:
 *   AP = (4·1 + 3·2/3) / 11 = 6/11.
 * Class 1: one box E = [0, 0, .2, .2] in image 1, found exactly by one detection: AP = 1 both ways.
 * Class 2: no ground truth (one stray detection): AP null, left out of the mean.
 * mAP = (5/9 + 1)/2 = 7/9 (all-point), (6/11 + 1)/2 = 17/22 (11-point).
 */
const groundTruth: DetectionObject[][] = [
  [gt(0, 0, 0, 0.4, 0.4), gt(0, 0.5, 0.5, 0.9, 0.9)],
  [gt(0, 0.1, 0.1, 0.5, 0.5), gt(0, 0.6, 0.6, 0.9, 0.9, true), gt(1, 0, 0, 0.2, 0.2)],
]
const detections: Detection[][] = [
  [det(0, 0.9, 0, 0, 0.4, 0.4), det(0, 0.8, 0, 0, 0.4, 0.4), det(0, 0.4, 0.5, 0.5, 0.9, 0.65)],
  [det(0, 0.7, 0.6, 0.6, 0.9, 0.9), det(0, 0.5, 0.1, 0.1, 0.5, 0.4), det(0, 0.3, 0.9, 0, 1, 0.1), det(1, 0.6, 0, 0, 0.2, 0.2), det(2, 0.5, 0, 0, 1, 1)],
]

describe('VOC average precision', () => {
  it('builds the precision–recall points of the worked case', () => {
    const curve = classCurve(detections, groundTruth, 0)
    expect(curve.npos).toBe(3)
    expect(curve.truePositive).toEqual([1, 0, 1, 0, 0])
    expect(curve.scores).toEqual([0.9, 0.8, 0.5, 0.4, 0.3])
    const close = (a: number[], b: number[]): void => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12))
    close(curve.recall, [1 / 3, 1 / 3, 2 / 3, 2 / 3, 2 / 3])
    close(curve.precision, [1, 1 / 2, 2 / 3, 1 / 2, 2 / 5])
  })

  it('gives AP 5/9 (all-point) and 6/11 (11-point) for the worked case', () => {
    expect(averagePrecision(detections, groundTruth, 0)).toBeCloseTo(5 / 9, 12)
    expect(averagePrecision(detections, groundTruth, 0, { method: '11-point' })).toBeCloseTo(6 / 11, 12)
  })

  it('averages per-class AP over classes with ground truth only', () => {
    const all = meanAveragePrecision(detections, groundTruth, 3)
    expect(all.ap[0]).toBeCloseTo(5 / 9, 12)
    expect(all.ap[1]).toBeCloseTo(1, 12)
    expect(all.ap[2]).toBeNull()
    expect(all.npos).toEqual([3, 1, 0])
    expect(all.mAP).toBeCloseTo(7 / 9, 12)
    const eleven = meanAveragePrecision(detections, groundTruth, 3, { method: '11-point' })
    expect(eleven.mAP).toBeCloseTo(17 / 22, 12)
  })

  it('counts IoU exactly 0.5 as a match (the devkit’s ovmax >= minoverlap) and misses as AP 0', () => {
    // B = [.5,.5,1,1] (area 1/4), detection [.5,.5,1,.75]: intersection 1/8, union 1/4, IoU = 1/2.
    const g = [[gt(0, 0.5, 0.5, 1, 1)]]
    expect(averagePrecision([[det(0, 0.5, 0.5, 0.5, 1, 0.75)]], g, 0)).toBe(1)
    expect(averagePrecision([[det(0, 0.5, 0.5, 0.5, 1, 0.74)]], g, 0)).toBe(0)
    expect(averagePrecision([[]], g, 0)).toBe(0)
    expect(averagePrecision([[]], g, 0, { method: '11-point' })).toBe(0)
  })

  it('interpolates a curve by hand: all-point vs 11-point', () => {
    // Points (R, P): (.25, 1), (.5, .5), (.75, .6). Monotone: .25→1, .5→.6, .75→.6.
    // All-point: .25·1 + .25·.6 + .25·.6 = .55. 11-point: t=0,.1,.2 → 1; t=.3….7 → .6; t=.8…1 → 0:
    // (3 + 5·.6)/11 = 6/11.
    expect(averagePrecisionOfCurve([0.25, 0.5, 0.75], [1, 0.5, 0.6])).toBeCloseTo(0.55, 12)
    expect(averagePrecisionOfCurve([0.25, 0.5, 0.75], [1, 0.5, 0.6], '11-point')).toBeCloseTo(6 / 11, 12)
  })
})

describe('NMS', () => {
  it('keeps the best box of each overlapping group, per class', () => {
    const a = det(0, 0.9, 0, 0, 0.5, 0.5)
    const b = det(0, 0.8, 0.05, 0, 0.55, 0.5) // IoU with a = .45·.5 / (.25 + .25 − .225) = .818 → suppressed
    const c = det(0, 0.7, 0.3, 0, 0.8, 0.5) // IoU with a = .2·.5/(.5 − .1) = .25 → kept
    const d = det(1, 0.6, 0, 0, 0.5, 0.5) // other class: kept although it covers a
    expect(nonMaxSuppression([b, c, a], 0.45)).toEqual([a, c])
    expect(classwiseNms([b, d, c, a], 0.45)).toEqual([a, c, d])
    expect(classwiseNms([b, d, c, a], 0.45, 2)).toEqual([a, c])
  })
})
