/** The lab's one mean ± std: sample standard deviation, none below two values. */
import { describe, expect, it } from 'vitest'
import { meanStd } from '../../../../src-main/lab/analysis/statistics'

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
