/**
 * Statistics over seeds (issue 18 item 8, METHODS.md S1) against intervals computed by hand with
 * the t quantiles of a printed table: t(0.975, 1) = 12.706, t(0.975, 2) = 4.303, t(0.975, 4) = 2.776.
 */
import { describe, expect, it } from 'vitest'
import { meanInterval, meanStd, pairedDifference, significanceNote, tQuantile } from '../../../src-shared/stats'

describe('meanStd', () => {
  it('is the mean and the sample (n − 1) standard deviation of the finite values', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32, sample variance 32/7.
    const s = meanStd([2, 4, 4, 4, 5, 5, 7, 9])
    expect(s.mean).toBe(5)
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12)
    expect(s.n).toBe(8)
    expect(meanStd([0.9, Number.NaN, null, undefined])).toEqual({ mean: 0.9, std: null, n: 1 })
    expect(meanStd([1, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2 })
    expect(meanStd([])).toEqual({ mean: null, std: null, n: 0 })
  })
})

describe("Student's t", () => {
  it('gives the two-sided 95 % quantiles of the printed table', () => {
    expect(tQuantile(1)).toBeCloseTo(12.706, 3)
    expect(tQuantile(2)).toBeCloseTo(4.303, 3)
    expect(tQuantile(4)).toBeCloseTo(2.776, 3)
    expect(tQuantile(29)).toBeCloseTo(2.045, 3)
    expect(tQuantile(4, 0.9)).toBeCloseTo(2.132, 3)
    expect(() => tQuantile(0)).toThrow(/degree of freedom/)
  })
})

describe('paired difference over seeds', () => {
  it('3 seeds, d = 1, 2, 3: 2 ± 4.303 · 1 / √3 = [−0.484, 4.484], not significant', () => {
    const d = pairedDifference([
      { seed: 0, variant: 0.91, baseline: -0.09 },
      { seed: 1, variant: 3, baseline: 1 },
      { seed: 2, variant: 5, baseline: 2 },
    ])
    expect(d.n).toBe(3)
    expect(d.mean).toBeCloseTo(2, 12)
    expect(d.std).toBeCloseTo(1, 12)
    expect(d.ciLow).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 3)
    expect(d.ciHigh).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 3)
    expect(d.significant).toBe(false)
    expect(significanceNote(d)).toBe('not significant with 3 seeds')
  })

  it('5 seeds, d = 0.5, 0.7, 0.6, 0.8, 0.4: 0.6 ± 2.776 · √0.025 / √5 = [0.404, 0.796], significant', () => {
    const d = pairedDifference([0.5, 0.7, 0.6, 0.8, 0.4].map((x, seed) => ({ seed, variant: 0.9 + x, baseline: 0.9 })))
    expect(d.mean).toBeCloseTo(0.6, 12)
    expect(d.std).toBeCloseTo(Math.sqrt(0.025), 12)
    const half = (2.776 * Math.sqrt(0.025)) / Math.sqrt(5)
    expect(d.ciLow).toBeCloseTo(0.6 - half, 3)
    expect(d.ciHigh).toBeCloseTo(0.6 + half, 3)
    expect(d.significant).toBe(true)
    expect(significanceNote(d)).toBe('significant with 5 seeds')
  })

  it('a loss is significant too; seeds missing a value are left out; one seed has no interval', () => {
    const loss = pairedDifference([
      { seed: 0, variant: 0.80, baseline: 0.90 },
      { seed: 1, variant: 0.81, baseline: 0.90 },
      { seed: 2, variant: Number.NaN, baseline: 0.9 },
    ])
    // d = −0.10, −0.09: mean −0.095, s = 0.00707, half = 12.706 · 0.00707 / √2 = 0.0635.
    expect(loss.n).toBe(2)
    expect(loss.ciHigh).toBeCloseTo(-0.095 + 12.706 * 0.005, 3)
    expect(loss.significant).toBe(true)
    const one = pairedDifference([{ seed: 0, variant: 1, baseline: 0 }])
    expect(one).toEqual({ mean: 1, std: null, n: 1, ciLow: null, ciHigh: null, significant: null })
    expect(significanceNote(one)).toBe('one seed: no interval')
    expect(significanceNote(pairedDifference([]))).toBe('')
  })

  it('the interval of a plain mean is the same formula', () => {
    const m = meanInterval([1, 3])
    expect(m.ciLow).toBeCloseTo(2 - 12.706, 3)
    expect(m.ciHigh).toBeCloseTo(2 + 12.706, 3)
  })
})
