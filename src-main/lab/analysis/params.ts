/**
 * Parameters as the tables show them: one cell per value (arrays and objects as JSON text), the
 * keys of several runs in the order they first appear, and whether a key's value differs across
 * runs (a missing value counts as a value). The runs table, the compare sheet and the pivot agree.
 */
import type { ParamValue } from '../../../src-shared/contract'
import { stableStringify } from '../../../src-shared/spec/expand'

const MISSING = '\u0000missing'

/** A parameter's identity for comparisons: its stable JSON text, or a marker when it is missing. */
export function paramText(value: unknown): string {
  return value === undefined ? MISSING : stableStringify(value)
}

/** A parameter as one table cell: scalars as they are, arrays and objects as JSON text. */
export function paramValue(value: unknown): ParamValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' || typeof value === 'boolean') return value
  return stableStringify(value)
}

/** A value as an exported cell (CSV, Markdown, LaTeX, JSON have no booleans): `true` → 'true'. */
export function exportCell(value: ParamValue): string | number | null {
  return typeof value === 'boolean' ? String(value) : value
}

/** Keys in the order they first appear across `records`. */
export function unionKeys(records: readonly Record<string, unknown>[]): string[] {
  const seen = new Set<string>()
  for (const r of records) for (const k of Object.keys(r)) seen.add(k)
  return [...seen]
}

/** True when `key` does not have the same value (missing counts as a value) in every record. */
export function valuesDiffer(records: readonly Record<string, unknown>[], key: string): boolean {
  if (records.length < 2) return false
  const first = paramText(records[0][key])
  return records.some((r) => paramText(r[key]) !== first)
}
