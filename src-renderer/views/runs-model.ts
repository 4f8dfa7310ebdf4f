/**
 * The runs table's model (pure, so the view stays small and fast at 10,000 rows): its columns
 * (fixed ones, any result, any parameter), filtering, sorting, and grouping into a flat list of
 * group headers and rows for the virtualised table.
 */
import type { ParamValue } from '../../src-shared/contract'
import type { RunStatus, RunSummary } from '../../src-shared/types'
import { COMPRESSION_LABELS } from './compression-columns'

export const BASE_COLUMNS = [
  { id: 'id', label: 'ID' },
  { id: 'experiment', label: 'Experiment' },
  { id: 'label', label: 'Label' },
  { id: 'role', label: 'Role' },
  { id: 'method', label: 'Method' },
  { id: 'seed', label: 'Seed' },
  { id: 'status', label: 'Status' },
  { id: 'progress', label: 'Progress' },
  { id: 'tags', label: 'Tags' },
  { id: 'worker', label: 'Worker' },
  { id: 'gain', label: 'Gain over student alone (pp)' },
] as const
export type BaseColumnId = (typeof BASE_COLUMNS)[number]['id']

/** `id`, `result:test.accuracy`, `param:method.temperature`. */
export type ColumnId = BaseColumnId | `result:${string}` | `param:${string}`

export interface Column {
  id: ColumnId
  label: string
  numeric: boolean
}

export type ParamLookup = ReadonlyMap<string, ReadonlyMap<number, ParamValue>>

/**
 * The entry of the lookup that holds each distilled student's gain over the student alone (run id
 * → fraction, from `runs.studentGains`); no parameter key starts with a NUL.
 */
export const STUDENT_GAIN = '\u0000gain'

const RESULT_LABELS: Readonly<Record<string, string>> = { 'test.accuracy': 'Test accuracy', 'test.mAP': 'Test mAP', ...COMPRESSION_LABELS }

export function columnOf(id: ColumnId): Column {
  if (id.startsWith('result:')) {
    const key = id.slice(7)
    return { id, label: RESULT_LABELS[key] ?? key, numeric: true }
  }
  if (id.startsWith('param:')) return { id, label: id.slice(6), numeric: false }
  const base = BASE_COLUMNS.find((c) => c.id === id)
  return { id, label: base?.label ?? id, numeric: id === 'id' || id === 'seed' || id === 'gain' }
}

export const DEFAULT_COLUMNS: ColumnId[] = ['id', 'experiment', 'label', 'role', 'method', 'seed', 'status', 'progress', 'result:test.accuracy', 'tags']

/** The column detection runs bring (added once such runs are present; classification-only tables never show it). */
export const DETECTION_COLUMN: ColumnId = 'result:test.mAP'

/** The gain column, added once distilled students are listed (issue 18 item 7). */
export const GAIN_COLUMN: ColumnId = 'gain'

/** True when one of the runs is a distilled student. */
export function hasStudentRuns(rows: readonly RunSummary[]): boolean {
  return rows.some((r) => r.role === 'student')
}

/** The columns with the gain over the student alone after the test accuracy (or before the tags). */
export function withGainColumn(ids: readonly ColumnId[]): ColumnId[] {
  if (ids.includes(GAIN_COLUMN)) return [...ids]
  const after = ids.indexOf('result:test.accuracy')
  const at = after >= 0 ? after + 1 : ids.includes('tags') ? ids.indexOf('tags') : ids.length
  return [...ids.slice(0, at), GAIN_COLUMN, ...ids.slice(at)]
}

/** True when one of the runs recorded a test mAP (a detection run). */
export function hasDetectionRuns(rows: readonly RunSummary[]): boolean {
  return rows.some((r) => r.results['test.mAP'] !== undefined)
}

/**
 * The columns once detection runs are listed: test mAP beside test accuracy, or in its place when
 * no run has an accuracy (a lab of detectors only); unchanged when the column is there already.
 */
export function withDetectionColumn(ids: readonly ColumnId[], rows: readonly RunSummary[]): ColumnId[] {
  if (ids.includes(DETECTION_COLUMN)) return [...ids]
  const at = ids.indexOf('result:test.accuracy')
  if (at < 0) return [...ids, DETECTION_COLUMN]
  const keep = rows.some((r) => r.results['test.accuracy'] !== undefined) ? 1 : 0
  return [...ids.slice(0, at + keep), DETECTION_COLUMN, ...ids.slice(at + 1)]
}

const STATUS_ORDER: RunStatus[] = ['running', 'queued', 'failed', 'interrupted', 'cancelled', 'finished']

/** The value a cell sorts and groups by. */
export function cellValue(run: RunSummary, column: ColumnId, params: ParamLookup): ParamValue {
  switch (column) {
    case 'id':
      return run.id
    case 'experiment':
      return run.experimentName
    case 'label':
      return run.label
    case 'role':
      return run.role
    case 'method':
      return run.method
    case 'seed':
      return run.seed
    case 'status':
      return run.status
    case 'progress':
      return run.status === 'finished' ? 1 : (run.progress?.fraction ?? 0)
    case 'tags':
      return run.tags.join(', ') || null
    case 'worker':
      // Remote runs only (issue 17): the worker, and the attempt once a run was tried again.
      if (run.attempt === undefined) return null
      return `${run.worker ?? 'waiting'}${run.attempt > 1 ? ` · attempt ${run.attempt}` : ''}`
    case 'gain':
      return params.get(STUDENT_GAIN)?.get(run.id) ?? null
  }
  if (column.startsWith('result:')) {
    const v = run.results[column.slice(7)]
    return v !== undefined && Number.isFinite(v) ? v : null
  }
  return params.get(column.slice(6))?.get(run.id) ?? null
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Numbers numerically, text naturally, booleans false first; null (missing) is handled by callers. */
export function compareCells(a: Exclude<ParamValue, null>, b: Exclude<ParamValue, null>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return collator.compare(String(a), String(b))
}

/** A sorted copy; missing values always go last; ties keep id order. */
export function sortRuns(rows: readonly RunSummary[], column: ColumnId, direction: 'asc' | 'desc', params: ParamLookup): RunSummary[] {
  const sign = direction === 'asc' ? 1 : -1
  // The lab lists runs newest first: by id they are in order already (checked in one pass), so a
  // progress event, which replaces the row array, does not cost a sort of 10,000 runs.
  if (column === 'id' && rows.every((r, i) => i === 0 || sign * (r.id - rows[i - 1].id) > 0)) return rows.slice()
  const keyed = rows.map((run) => {
    let v = cellValue(run, column, params)
    if (column === 'status') v = STATUS_ORDER.indexOf(run.status)
    return { run, v }
  })
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.run.id - b.run.id : a.v === null ? 1 : -1
    const c = compareCells(a.v, b.v)
    return c !== 0 ? sign * c : a.run.id - b.run.id
  })
  return keyed.map((x) => x.run)
}

export interface RunFilter {
  text: string
  statuses: readonly RunStatus[]
  experimentId: number | null
  /** The runs a structured query matched (the lab's answer), or null for none. */
  ids?: ReadonlySet<number> | null
}

/** Runs matching every part of the filter; the text matches label, experiment, role, method, status, id or a tag. */
export function filterRuns(rows: readonly RunSummary[], filter: RunFilter): readonly RunSummary[] {
  const q = filter.text.trim().toLowerCase()
  const statuses = filter.statuses.length ? new Set(filter.statuses) : null
  const ids = filter.ids ?? null
  if (!q && !statuses && filter.experimentId === null && !ids) return rows
  return rows.filter((r) => {
    if (ids && !ids.has(r.id)) return false
    if (statuses && !statuses.has(r.status)) return false
    if (filter.experimentId !== null && r.experimentId !== filter.experimentId) return false
    if (!q) return true
    return (
      r.label.toLowerCase().includes(q) ||
      r.experimentName.toLowerCase().includes(q) ||
      r.role.includes(q) ||
      r.method.includes(q) ||
      r.status.includes(q) ||
      String(r.id) === q ||
      r.tags.some((t) => t.toLowerCase().includes(q))
    )
  })
}

export interface GroupItem {
  kind: 'group'
  key: string
  value: ParamValue
  count: number
  /** Mean test accuracy of the group's runs that have one. */
  meanAccuracy: number | null
  collapsed: boolean
}
export interface RowItem {
  kind: 'run'
  run: RunSummary
}
export type TableItem = GroupItem | RowItem

/** Groups sorted rows by a column's value (groups in value order, rows keep their order). */
export function groupRuns(rows: readonly RunSummary[], by: ColumnId | null, params: ParamLookup, collapsed: ReadonlySet<string>): TableItem[] {
  if (by === null) return rows.map((run) => ({ kind: 'run', run }))
  const groups = new Map<string, { value: ParamValue; runs: RunSummary[] }>()
  for (const run of rows) {
    const value = cellValue(run, by, params)
    const key = value === null ? '\u0000none' : `${typeof value}:${String(value)}`
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { value, runs: [] }))
    g.runs.push(run)
  }
  const ordered = [...groups.entries()].sort(([, a], [, b]) =>
    a.value === null || b.value === null ? (a.value === b.value ? 0 : a.value === null ? 1 : -1) : compareCells(a.value, b.value),
  )
  const items: TableItem[] = []
  for (const [key, g] of ordered) {
    const accs = g.runs.map((r) => r.results['test.accuracy']).filter((v) => v !== undefined && Number.isFinite(v))
    const isCollapsed = collapsed.has(key)
    items.push({
      kind: 'group',
      key,
      value: g.value,
      count: g.runs.length,
      meanAccuracy: accs.length ? accs.reduce((a, b) => a + b, 0) / accs.length : null,
      collapsed: isCollapsed,
    })
    if (!isCollapsed) for (const run of g.runs) items.push({ kind: 'run', run })
  }
  return items
}

/** The table as shown (visible rows and columns), for export. */
export function tableOf(rows: readonly RunSummary[], columns: readonly Column[], params: ParamLookup): { columns: { key: string; label: string }[]; rows: Record<string, string | number | null>[] } {
  const cols = columns.filter((c) => c.id !== 'progress')
  return {
    columns: cols.map((c) => ({ key: c.id, label: c.label })),
    rows: rows.map((r) =>
      Object.fromEntries(
        cols.map((c) => {
          const v = cellValue(r, c.id, params)
          return [c.id, typeof v === 'boolean' ? String(v) : v]
        }),
      ),
    ),
  }
}
