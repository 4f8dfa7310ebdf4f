/**
 * The one number format of the lab: the window, the exports and the CLI read numbers the same way.
 * Accuracies and mAP in percent (`72.55 %`), their differences in percentage points (`+0.35 pp`,
 * with a true minus sign), factors with `×` (`3.26×`), counts with thousands separators
 * (`61,706`), bytes and times with their unit. In tables the unit goes in the header
 * (`test accuracy (%)`) and the cells carry the bare number (`72.55 ± 0.35`).
 * Pure functions, no imports: `metrics.ts` maps each metric to one of these kinds.
 */

/**
 * How a value reads: `percent` 0..1 shown ×100; `points` a difference of percents, ×100 and
 * signed; `integer` counts; `number` 4 significant digits; `bytes`, `ms`, `seconds` with the
 * unit; `ratio` a factor (`2.5×`).
 */
export type NumberKind = 'percent' | 'points' | 'integer' | 'number' | 'bytes' | 'ms' | 'seconds' | 'ratio'

/** The minus sign people typeset (U+2212), not a hyphen. */
export const MINUS = '\u2212'

/** What a missing value reads as. */
export const MISSING = '—'

/** Integers as they are, other numbers to 4 significant digits (`0.98765` → `0.9877`). */
export function readableNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  if (Number.isInteger(n)) return String(n)
  return String(Number(n.toPrecision(4)))
}

/** `61706` → `61,706`; non-integers rounded to `digits` decimals first. */
export function thousands(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** `+1.20`, `−0.35`, `0.00`: a difference with its sign, `digits` decimals. */
export function signedFixed(v: number, digits = 2): string {
  const text = Math.abs(v).toFixed(digits)
  if (Number(text) === 0) return text
  return `${v > 0 ? '+' : MINUS}${text}`
}

/** The unit a kind's header names (`%`, `pp`, `×`, `B`, `ms`, `s`), '' for plain numbers and counts. */
export function unitOf(kind: NumberKind | undefined): string {
  switch (kind) {
    case 'percent':
      return '%'
    case 'points':
      return 'pp'
    case 'ratio':
      return '×'
    case 'bytes':
      return 'B'
    case 'ms':
      return 'ms'
    case 'seconds':
      return 's'
    default:
      return ''
  }
}

/** A value without its unit, as a table cell under a header that names it: `72.55`, `+0.35`, `61,706`, `3.26`. */
export function bareNumber(kind: NumberKind | undefined, value: number): string {
  if (!Number.isFinite(value)) return String(value)
  switch (kind) {
    case 'percent':
      return (value * 100).toFixed(2)
    case 'points':
      return signedFixed(value * 100)
    case 'integer':
    case 'bytes':
      return Number.isInteger(value) ? thousands(value) : readableNumber(value)
    case 'ratio':
      return value.toFixed(2)
    default:
      return readableNumber(value)
  }
}

/** A value with its unit: `72.55 %`, `+0.35 pp`, `61,706`, `3.26×`, `12,345 B`, `3.142 ms`; `—` when missing. */
export function withUnit(kind: NumberKind | undefined, value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING
  if (!Number.isFinite(value)) return String(value)
  const bare = bareNumber(kind, value)
  switch (kind) {
    case 'percent':
    case 'points':
    case 'bytes':
    case 'ms':
    case 'seconds':
      return `${bare} ${unitOf(kind)}`
    case 'ratio':
      return `${bare}×`
    default:
      return bare
  }
}

/** `label (unit)`, or the label alone for unitless kinds: `test accuracy (%)`. */
export function headerWithUnit(label: string, kind: NumberKind | undefined): string {
  const unit = unitOf(kind)
  return unit ? `${label} (${unit})` : label
}

/** The relative change from `before` to `after`, truncated toward zero so a cut is never overstated: `−37 %`. */
export function changePercent(before: number, after: number): string {
  if (!(before !== 0 && Number.isFinite(before) && Number.isFinite(after))) return MISSING
  const pct = Math.trunc(((after - before) / Math.abs(before)) * 100)
  return pct === 0 ? '0 %' : `${pct > 0 ? '+' : MINUS}${Math.abs(pct)} %`
}

/** `16 → 10 (−37 %)`: before and after in `kind`, with the relative change. */
export function beforeAfter(kind: NumberKind | undefined, before: number, after: number): string {
  return `${withUnit(kind, before)} → ${withUnit(kind, after)} (${changePercent(before, after)})`
}

/** `before / after` as a factor: `3.26×` (a model 3.26 times smaller or faster). */
export function factor(before: number, after: number): string {
  return after > 0 && Number.isFinite(before) ? `${(before / after).toFixed(2)}×` : MISSING
}

/** Bytes as people read file sizes (powers of 1000): `812 B`, `48.3 kB`, `1.2 MB`. */
export function fileSize(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return MISSING
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let v = n
  let i = 0
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`
}
