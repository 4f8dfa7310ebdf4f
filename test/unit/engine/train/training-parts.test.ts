/** The small pure parts of the training loop: schedules, jitter, batches, throttle. */
import { describe, expect, it } from 'vitest'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { gatherBatch, shiftImageInto } from '../../../../src-main/engine/train/batch-gather'
import { learningRateAt } from '../../../../src-main/engine/train/lr-schedule'
import { createThrottle } from '../../../../src-main/engine/train/progress-throttle'

describe('learningRateAt', () => {
  it('constant, cosine and step (×0.1 at 1/2 and 3/4 of the epochs)', () => {
    expect([0, 5, 9].map((e) => learningRateAt('constant', 0.1, e, 10))).toEqual([0.1, 0.1, 0.1])
    expect(learningRateAt('cosine', 0.1, 0, 10)).toBeCloseTo(0.1, 12)
    expect(learningRateAt('cosine', 0.1, 5, 10)).toBeCloseTo(0.05, 12)
    expect(learningRateAt('cosine', 0.1, 9, 10)).toBeCloseTo(0.1 * 0.5 * (1 + Math.cos(0.9 * Math.PI)), 12)
    const step = Array.from({ length: 8 }, (_, e) => learningRateAt('step', 1, e, 8))
    expect(step.map((v) => +v.toFixed(6))).toEqual([1, 1, 1, 1, 0.1, 0.1, 0.01, 0.01])
  })
})

describe('jitter', () => {
  it('shifts an image by whole pixels with zeros shifted in', () => {
    // 3×3 single channel: 1..9. Shift down 1, left 1: row r, col c takes src[r−1][c+1].
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9])
    const dst = new Float32Array(9)
    shiftImageInto(src, dst, 3, 3, 1, 1, -1)
    expect(Array.from(dst)).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0])
    const far = new Float32Array(9)
    shiftImageInto(src, far, 3, 3, 1, 0, 3)
    expect(Array.from(far)).toEqual(new Array(9).fill(0))
  })

  it('gathers examples in the given order, unchanged without jitter, within ±N px with it', () => {
    const x = Float32Array.from({ length: 3 * 16 }, (_, i) => (i % 16 === 5 ? 1 : 0))
    const split = { x, y: Int32Array.from([7, 8, 9]), n: 3 }
    const order = Int32Array.from([2, 0, 1])
    const plain = gatherBatch(split, order, 0, 3, [4, 4, 1], 0, createRng(1))
    expect(Array.from(plain.y)).toEqual([9, 7, 8])
    expect(plain.x).toEqual(x)
    const moved = gatherBatch(split, order, 0, 3, [4, 4, 1], 1, createRng(1))
    for (let i = 0; i < 3; i++) {
      const img = moved.x.subarray(i * 16, i * 16 + 16)
      const at = img.indexOf(1)
      // The bright pixel (row 1, col 1) lands within one pixel of where it was.
      expect(Math.abs(Math.floor(at / 4) - 1)).toBeLessThanOrEqual(1)
      expect(Math.abs((at % 4) - 1)).toBeLessThanOrEqual(1)
    }
  })
})

describe('createThrottle', () => {
  it('opens at most once per interval unless forced', () => {
    let now = 0
    const gate = createThrottle(100, () => now)
    const opened: number[] = []
    for (now = 0; now < 1000; now += 7) if (gate()) opened.push(now)
    expect(opened.length).toBe(10)
    for (let i = 1; i < opened.length; i++) expect(opened[i] - opened[i - 1]).toBeGreaterThanOrEqual(100)
    expect(gate(true)).toBe(true)
  })
})
