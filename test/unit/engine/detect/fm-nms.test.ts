/** FM-NMS (Mehta & Ozturk 2018 §4.2, METHODS D5) against a hand-worked 4×4 grid. */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { fmNms } from '../../../../src-main/engine/detect/fm-nms'

beforeAll(async () => {
  await selectBackend('cpu')
})

/*
 * Arg-max class of each cell, and the objectness of its best anchor:
 *          col 0      col 1      col 2      col 3
 *   row 0  c0 .90     c0 .80     c1 .60     c1 .70
 *   row 1  c0 .30     c0 .95     c1 .10     c1 .20
 *   row 2  c1 .50     c1 .40     c1 .30     c0 .40
 *   row 3  c1 .05     c1 .60     c0 .80     c0 .30
 * K = 3: a candidate survives when it is the highest of its class in the 3×3 window around it.
 *   class 0: (1,1) .95 beats .90, .80, .30 of (0,0), (0,1), (1,0) — all of them within its window and
 *            it in theirs → only (1,1) survives the top-left group; (3,2) .80 beats (2,3) .40 and
 *            (3,3) .30.
 *   class 1: (0,3) .70 is the top of its window {.60, .70, .10, .20}; (0,2) .60 sees .70; (1,2) and
 *            (1,3) see .70; (3,1) .60 is the top of {.50, .40, .30, .05, .60}; (2,0), (2,1), (2,2),
 *            (3,0) each see .60 (or .70).
 * Kept cells: (0,3), (1,1), (3,1), (3,2). The second anchor of every cell is lower than the first
 * (first anchor = the value above, second = first − 0.05, floored at 0), so only anchor 0 of a
 * kept cell survives. Class probabilities: class-0 cells (.8, .2), class-1 cells (.3, .7); a
 * suppressed cell loses its arg-max class: class-0 cells → (0, .2), class-1 cells → (.3, 0).
 */
const classOf = [
  [0, 0, 1, 1],
  [0, 0, 1, 1],
  [1, 1, 1, 0],
  [1, 1, 0, 0],
]
const best = [
  [0.9, 0.8, 0.6, 0.7],
  [0.3, 0.95, 0.1, 0.2],
  [0.5, 0.4, 0.3, 0.4],
  [0.05, 0.6, 0.8, 0.3],
]
const keptCells = new Set(['0,3', '1,1', '3,1', '3,2'])

function inputs(): { objectness: tf.Tensor4D; probs: tf.Tensor4D } {
  const obj: number[] = []
  const probs: number[] = []
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      obj.push(best[i][j], Math.max(0, best[i][j] - 0.05))
      probs.push(...(classOf[i][j] === 0 ? [0.8, 0.2] : [0.3, 0.7]))
    }
  }
  return { objectness: tf.tensor4d(obj, [1, 4, 4, 2]), probs: tf.tensor4d(probs, [1, 4, 4, 2]) }
}

describe('fmNms', () => {
  it('keeps the best same-class candidate of each 3×3 neighbourhood and zeroes the others for that class', () => {
    const { objectness, probs } = inputs()
    const before = tf.memory().numTensors
    const out = fmNms(objectness, probs, 3)
    expect(tf.memory().numTensors).toBe(before + 3)
    const o = out.objectness.arraySync()[0]
    const p = out.classProbs.arraySync()[0]
    const kept = out.kept.arraySync()[0]
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const isKept = keptCells.has(`${i},${j}`)
        expect(kept[i][j], `cell ${i},${j}`).toEqual(isKept ? [1, 0] : [0, 0])
        expect(o[i][j][0]).toBeCloseTo(isKept ? best[i][j] : 0, 6)
        expect(o[i][j][1]).toBe(0)
        const expected = isKept ? (classOf[i][j] === 0 ? [0.8, 0.2] : [0.3, 0.7]) : classOf[i][j] === 0 ? [0, 0.2] : [0.3, 0]
        expect(p[i][j][0]).toBeCloseTo(expected[0], 6)
        expect(p[i][j][1]).toBeCloseTo(expected[1], 6)
      }
    }
    tf.dispose([objectness, probs, out.objectness, out.classProbs, out.kept])
  })

  it('with K = 1 keeps every cell but only its best anchor', () => {
    const { objectness, probs } = inputs()
    const out = fmNms(objectness, probs, 1)
    const kept = out.kept.arraySync()[0]
    for (const row of kept) for (const cell of row) expect(cell).toEqual([1, 0])
    const p = out.classProbs.dataSync()
    expect(Array.from(p)).toEqual(Array.from(probs.dataSync()))
    tf.dispose([objectness, probs, out.objectness, out.classProbs, out.kept])
  })

  it('does not let candidates of another class suppress each other, and keeps ties', () => {
    // 1×3 grid, B = 1: .9 class 0 | .5 class 1 | .5 class 1 → .9 kept (only class 0), the two .5 tie.
    const objectness = tf.tensor4d([0.9, 0.5, 0.5], [1, 1, 3, 1])
    const probs = tf.tensor4d([0.6, 0.4, 0.4, 0.6, 0.4, 0.6], [1, 1, 3, 2])
    const out = fmNms(objectness, probs, 3)
    expect(Array.from(out.kept.dataSync())).toEqual([1, 1, 1])
    tf.dispose([objectness, probs, out.objectness, out.classProbs, out.kept])
  })

  it('refuses an even K', () => {
    const { objectness, probs } = inputs()
    expect(() => fmNms(objectness, probs, 2)).toThrow(/odd/)
    tf.dispose([objectness, probs])
  })
})
