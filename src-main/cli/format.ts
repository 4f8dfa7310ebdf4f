/** Plain-text rendering for the terminal, in the lab's one number format (`src-shared/number-format.ts`). */
import { metricInfo } from '../../src-shared/metrics'
import { bareNumber, headerWithUnit, readableNumber } from '../../src-shared/number-format'
import type { ResultTable } from '../../src-shared/types'

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return readableNumber(v)
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

/** A result as a table cell under a header that names its unit (`resultHeader`): `93.12`, `61,706`. */
export function resultCell(key: string, value: number | undefined): string | null {
  return value === undefined ? null : bareNumber(metricInfo(key)?.format, value)
}

/** A result column's header with its unit: `test acc (%)`. */
export function resultHeader(label: string, key: string): string {
  return headerWithUnit(label, metricInfo(key)?.format)
}

/**
 * The columns of `table` without those in `optional` that are empty in every row (a detection run
 * has no test accuracy, a classifier no mAP).
 */
export function dropEmptyColumns(table: ResultTable, optional: string[]): ResultTable {
  const empty = (key: string): boolean => table.rows.every((r) => r[key] === null || r[key] === undefined)
  return { ...table, columns: table.columns.filter((c) => !optional.includes(c.key) || !empty(c.key)) }
}

/** An aligned text table with a header rule. */
export function textTable(table: ResultTable): string {
  const header = table.columns.map((c) => c.label)
  const rows = table.rows.map((r) => table.columns.map((c) => formatCell(r[c.key])))
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction))
  const full = Math.round(f * width)
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.round(f * 100)).padStart(3)}%`
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '?'
  if (seconds < 60) return `${Math.round(seconds)}s`
  const m = Math.floor(seconds / 60)
  const s = Math.round(seconds % 60)
  return m < 60 ? `${m}m${String(s).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}
