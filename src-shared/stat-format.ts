/**
 * Statistics over seeds as they read in the window, the exports and the CLI (issue 18 items 8 and
 * 10): `72.55 ± 0.35` under a header that names the unit, a paired difference `+0.42`, its 95 %
 * interval `[−0.31, +1.15]` and the verdict `not significant with 3 seeds`. One implementation.
 */
import { metricInfo } from './metrics'
import { bareNumber, headerWithUnit, MISSING, type NumberKind } from './number-format'
import { significanceNote, type MeanInterval, type MeanStd, type PairedDifference } from './stats'

/** How `key`'s values read (`percent` for accuracies, `points` for their differences…). */
export function kindOf(key: string): NumberKind | undefined {
  return metricInfo(key)?.format
}

/** The kind of a difference of `key`'s values: points for a percent metric, the metric's own otherwise. */
export function differenceKind(key: string): NumberKind | undefined {
  const kind = kindOf(key)
  return kind === 'percent' ? 'points' : kind
}

/** `72.55 ± 0.35` (one value: `72.55`); `—` without values. Bare numbers: the header names the unit. */
export function statCell(kind: NumberKind | undefined, s: Pick<MeanStd, 'mean' | 'std'>): string {
  if (s.mean === null) return MISSING
  return s.std === null ? bareNumber(kind, s.mean) : `${bareNumber(kind, s.mean)} ± ${bareNumber(kind === 'points' ? 'percent' : kind, s.std)}`
}

/** `[−0.31, +1.15]`; `—` without an interval. */
export function intervalCell(kind: NumberKind | undefined, m: Pick<MeanInterval, 'ciLow' | 'ciHigh'>): string {
  if (m.ciLow === null || m.ciHigh === null) return MISSING
  return `[${bareNumber(kind, m.ciLow)}, ${bareNumber(kind, m.ciHigh)}]`
}

/** `test accuracy (%)`: a metric's label with its unit, for headers. */
export function metricHeader(key: string, label = key): string {
  return headerWithUnit(label, kindOf(key))
}

/** `+0.42 pp, 95 % CI [−0.31, +1.15], not significant with 3 seeds`: a paired difference in one line. */
export function differenceText(kind: NumberKind | undefined, d: PairedDifference): string {
  if (d.mean === null) return MISSING
  const unit = kind === 'points' ? ' pp' : ''
  const parts = [`${bareNumber(kind, d.mean)}${unit}`]
  if (d.ciLow !== null) parts.push(`95 % CI ${intervalCell(kind, d)}${unit}`)
  const note = significanceNote(d)
  if (note) parts.push(note)
  return parts.join(', ')
}
