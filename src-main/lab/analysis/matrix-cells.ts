/**
 * What the matrices (`compare.matrix`: teacher × student, seeds) share: the run shape they read,
 * their options, the compared metric, and how a paired difference over seeds fills their cells —
 * text (`+0.42`, `[−0.31, +1.15]`, `not significant with 3 seeds`) for Markdown, LaTeX and the
 * window, numbers (gain, gain.std, gain.n, ci_low, ci_high) for CSV and JSON (issue 18 items 8, 10).
 */
import { bareNumber } from '../../../src-shared/number-format'
import { differenceKind, intervalCell, statCell } from '../../../src-shared/stat-format'
import { significanceNote, type MeanStd, type PairedDifference } from '../../../src-shared/stats'
import type { ResultTable } from '../../../src-shared/types'
import type { AnalysisRun } from './run'

/**
 * A run as the matrices read it: every parameter (flattened, as stored), its seed and its results;
 * the label (`student T=4 seed 0`) names a configuration in the seeds summary.
 */
export type MatrixRun = Pick<AnalysisRun, 'id' | 'experimentId' | 'role' | 'status' | 'seed' | 'params' | 'results'> &
  Partial<Pick<AnalysisRun, 'label' | 'method' | 'parentRunId'>>

export interface MatrixOptions {
  /** The result compared (default `test.accuracy`, or `test.mAP` when only detection runs have one). */
  metric?: string
  /** Further results shown as mean ± std over seeds (`seeds` matrix), e.g. `params`, `compression`. */
  columns?: string[]
  /** `text`: one readable cell per (teacher, student); `numbers`: mean, std, n, gain and interval columns. */
  cells?: 'text' | 'numbers'
}

export type Row = ResultTable['rows'][number]

/** `test.accuracy`, unless no finished run has it and some have `test.mAP` (detection). */
export function defaultMetric(runs: readonly MatrixRun[]): string {
  const has = (k: string): boolean => runs.some((r) => r.status === 'finished' && Number.isFinite(r.results[k]))
  return !has('test.accuracy') && has('test.mAP') ? 'test.mAP' : 'test.accuracy'
}

/** `93.00 ± 1.41` in the metric's unit (percent for accuracies); null without values. */
export function statOf(kind: Parameters<typeof statCell>[0], s: MeanStd): string | null {
  return s.mean === null ? null : statCell(kind, s)
}

/** `+2.00 [−10.71, +14.71] n.s.`: the difference in points with its interval, marked when it includes zero. */
export function differenceShort(metric: string, d: PairedDifference): string | null {
  if (d.mean === null) return null
  const kind = differenceKind(metric)
  const ci = d.ciLow !== null ? ` ${intervalCell(kind, d)}` : ''
  return `${bareNumber(kind, d.mean)}${ci}${d.significant === false ? ' n.s.' : ''}`
}

/** The difference as text cells (`gain`, `ci`, `significance`) or numbers (`gain`, `gain.std`, `gain.n`, `ci_low`, `ci_high`), keys prefixed. */
export function differenceCells(metric: string, d: PairedDifference, text: boolean, prefix = ''): Row {
  if (text) {
    const kind = differenceKind(metric)
    return {
      [`${prefix}gain`]: d.mean === null ? null : bareNumber(kind, d.mean),
      [`${prefix}ci`]: d.ciLow === null ? null : intervalCell(kind, d),
      [`${prefix}significance`]: significanceNote(d) || null,
    }
  }
  return {
    [`${prefix}gain`]: d.mean,
    [`${prefix}gain.std`]: d.std,
    [`${prefix}gain.n`]: d.n,
    [`${prefix}ci_low`]: d.ciLow,
    [`${prefix}ci_high`]: d.ciHigh,
  }
}

/** The columns `differenceCells` fills, labelled with the unit (`Δ test.accuracy (pp)`, `95 % CI (pp)`). */
export function differenceColumns(metric: string, text: boolean, prefix = '', name = ''): ResultTable['columns'] {
  const unit = differenceKind(metric) === 'points' ? ' (pp)' : ''
  const head = name ? `${name} ` : ''
  if (text) {
    return [
      { key: `${prefix}gain`, label: `${head}Δ ${metric}${unit}` },
      { key: `${prefix}ci`, label: `${head}95 % CI${unit}` },
      { key: `${prefix}significance`, label: `${head}significance` },
    ]
  }
  return [
    { key: `${prefix}gain`, label: `${head}gain mean` },
    { key: `${prefix}gain.std`, label: `${head}gain std` },
    { key: `${prefix}gain.n`, label: `${head}gain n` },
    { key: `${prefix}ci_low`, label: `${head}gain ci_low` },
    { key: `${prefix}ci_high`, label: `${head}gain ci_high` },
  ]
}
