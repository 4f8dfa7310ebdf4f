/** Sorting and filtering of the runs table (pure, so the view stays small). */
import type { RunSummary } from '../../src-shared/types'

export const RUN_COLUMNS = [
  { column: 'id', label: 'ID' },
  { column: 'experiment', label: 'Experiment' },
  { column: 'label', label: 'Label' },
  { column: 'role', label: 'Role' },
  { column: 'method', label: 'Method' },
  { column: 'seed', label: 'Seed' },
  { column: 'status', label: 'Status' },
  { column: 'progress', label: 'Progress' },
  { column: 'accuracy', label: 'Test accuracy' },
] as const
export type RunColumn = (typeof RUN_COLUMNS)[number]['column']

const STATUS_ORDER = ['running', 'queued', 'failed', 'interrupted', 'cancelled', 'finished']

function sortValue(run: RunSummary, column: RunColumn): string | number | null {
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
      return STATUS_ORDER.indexOf(run.status)
    case 'progress':
      return run.status === 'finished' ? 1 : (run.progress?.fraction ?? 0)
    case 'accuracy':
      return run.results['test.accuracy'] ?? null
  }
}

/** A sorted copy; missing values (no accuracy yet) always go last; ties keep id order. */
export function sortRuns(rows: readonly RunSummary[], column: RunColumn, direction: 'asc' | 'desc'): RunSummary[] {
  const sign = direction === 'asc' ? 1 : -1
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })
  return rows
    .map((run) => ({ run, v: sortValue(run, column) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.run.id - b.run.id : a.v === null ? 1 : -1
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : collator.compare(String(a.v), String(b.v))
      return c !== 0 ? sign * c : a.run.id - b.run.id
    })
    .map((x) => x.run)
}

/** Runs whose label, experiment, role, method or status contains `text` (case-insensitive). */
export function filterRuns(rows: readonly RunSummary[], text: string): readonly RunSummary[] {
  const q = text.trim().toLowerCase()
  if (!q) return rows
  return rows.filter((r) =>
    [r.label, r.experimentName, r.role, r.method, r.status, String(r.id)].some((s) => s.toLowerCase().includes(q)),
  )
}
