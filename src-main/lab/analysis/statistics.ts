/**
 * Statistics over the runs of one configuration (usually its seeds): one mean ± std for every
 * table of the lab, so the pivot, the matrices and their exports agree to the last digit.
 */
import type { PivotStat } from '../../../src-shared/contract'

/**
 * Mean and sample standard deviation (n − 1) of the finite values; the std is null below two
 * values (one seed says nothing about the spread), the mean null without any.
 */
export function meanStd(values: readonly (number | null | undefined)[]): PivotStat {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  const n = xs.length
  if (n === 0) return { mean: null, std: null, n: 0 }
  const mean = xs.reduce((a, b) => a + b, 0) / n
  if (n < 2) return { mean, std: null, n }
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)
  return { mean, std: Math.sqrt(variance), n }
}
