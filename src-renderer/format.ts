/** Display formatting shared by the views (pure functions). */
import { readableNumber } from '../src-shared/metrics'
import { withUnit } from '../src-shared/number-format'

/** 0.9312 → "93.12 %" (the lab's one number format, `number-format.ts`). */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : withUnit('percent', value)
}

/** Seconds → "45 s", "3 min 20 s", "1 h 05 min". */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

/** Bytes → "1.2 MB" (the lab's one number format). */
export { fileSize as bytes } from '../src-shared/number-format'

/** A number for a table cell: integers as they are, others with 4 significant digits. */
export function scalar(value: unknown): string {
  if (typeof value === 'number') {
    // Four significant digits without trailing zeros: 0.003, 0.5485, 1.707.
    return readableNumber(value)
  }
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/** ISO timestamp → local "2025-01-31 14:05:09". */
export function timestamp(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}
