/**
 * Statistics over seeds, one implementation for every table of the lab (pivot, matrices, compare,
 * exports, the CLI): mean ± sample standard deviation, and the paired difference of a variant and
 * its baseline (or parent) run with the same seeds, with its 95 % confidence interval by Student's
 * t (METHODS.md S1: d̄ ± t(0.975, n − 1) · s_d / √n). The t quantiles are jstat's, not a table.
 * Pure functions; no Node or DOM imports.
 */
import jStat from 'jstat'

/** Mean ± sample standard deviation (n − 1) of the finite values, and how many there were. */
export interface MeanStd {
  mean: number | null
  /** Null below two values: one seed says nothing about the spread. */
  std: number | null
  n: number
}

/** A mean with its two-sided confidence interval (null below two values). */
export interface MeanInterval extends MeanStd {
  ciLow: number | null
  ciHigh: number | null
}

/** The confidence level of every interval the lab reports. */
export const CONFIDENCE = 0.95

function finite(values: readonly (number | null | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
}

/** Mean and sample standard deviation of the finite values (null, NaN and missing are left out). */
export function meanStd(values: readonly (number | null | undefined)[]): MeanStd {
  const xs = finite(values)
  const n = xs.length
  if (n === 0) return { mean: null, std: null, n: 0 }
  const mean = xs.reduce((a, b) => a + b, 0) / n
  if (n < 2) return { mean, std: null, n }
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)
  return { mean, std: Math.sqrt(variance), n }
}

/** t(1 − (1 − level) / 2, dof): the two-sided quantile of Student's t (4.303 for 95 % and 2 dof). */
export function tQuantile(dof: number, level = CONFIDENCE): number {
  if (!(dof >= 1)) throw new Error(`Student's t needs at least one degree of freedom, got ${dof}`)
  return jStat.studentt.inv(1 - (1 - level) / 2, dof)
}

/**
 * Mean of the finite values with the interval mean ± t(0.975, n − 1) · s / √n. Applied to paired
 * differences d_i = variant_i − baseline_i this is METHODS.md S1's interval for the gain.
 */
export function meanInterval(values: readonly (number | null | undefined)[], level = CONFIDENCE): MeanInterval {
  const s = meanStd(values)
  if (s.mean === null || s.std === null) return { ...s, ciLow: null, ciHigh: null }
  const half = (tQuantile(s.n - 1, level) * s.std) / Math.sqrt(s.n)
  return { ...s, ciLow: s.mean - half, ciHigh: s.mean + half }
}

/** A variant's value and its baseline's for one seed. */
export interface SeedPair {
  seed: number | string
  variant: number
  baseline: number
}

/** The paired difference over seeds, its interval and whether the interval excludes zero. */
export interface PairedDifference extends MeanInterval {
  /** True when the interval excludes 0, false when it includes it, null without an interval (one seed). */
  significant: boolean | null
}

/**
 * The paired difference variant − baseline over the seeds both have (pairs with a non-finite value
 * are left out), with its 95 % interval (METHODS.md S1).
 */
export function pairedDifference(pairs: readonly SeedPair[], level = CONFIDENCE): PairedDifference {
  const d = pairs.filter((p) => Number.isFinite(p.variant) && Number.isFinite(p.baseline)).map((p) => p.variant - p.baseline)
  return withSignificance(meanInterval(d, level))
}

/** Marks an interval of differences significant when it excludes zero. */
export function withSignificance(m: MeanInterval): PairedDifference {
  const significant = m.ciLow === null || m.ciHigh === null ? null : m.ciLow > 0 || m.ciHigh < 0
  return { ...m, significant }
}

/** "not significant with 3 seeds", "significant with 5 seeds", "one seed: no interval"; '' without values. */
export function significanceNote(d: Pick<PairedDifference, 'n' | 'significant'>): string {
  if (d.n === 0) return ''
  if (d.significant === null) return d.n === 1 ? 'one seed: no interval' : 'no interval'
  return `${d.significant ? 'significant' : 'not significant'} with ${d.n} seeds`
}
