/**
 * The comparison table (runs as rows): pure functions, so the UI, the exports and the tests see
 * exactly the same table. Only the parameters that differ across the selected runs get a column,
 * which is what makes a sweep readable (`method.temperature`, `seed`, …).
 */
import type { ResultTable } from '../../../src-shared/types'
import { exportCell, paramValue, unionKeys, valuesDiffer } from './params'
import type { AnalysisRun } from './run'

export type TableRun = Pick<AnalysisRun, 'id' | 'experimentName' | 'label' | 'role' | 'status' | 'params' | 'results'>

export type CompareTable = ResultTable & { differing: string[] }

/** Always present, in this order, after the differing parameters. */
export const RESULT_COLUMNS = ['test.accuracy', 'test.loss', 'params'] as const

const FIXED_COLUMNS: { key: string; label: string }[] = [
  { key: 'id', label: 'id' },
  { key: 'experiment', label: 'experiment' },
  { key: 'label', label: 'run' },
  { key: 'role', label: 'role' },
  { key: 'status', label: 'status' },
]

/** Parameter keys whose values are not the same in every run, in the order they first appear. */
export function differingParams(runs: readonly TableRun[]): string[] {
  const params = runs.map((r) => r.params)
  return unionKeys(params).filter((k) => valuesDiffer(params, k))
}

function resultCell(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null
}

/** Builds the comparison table of `runs` (rows in the order given). */
export function compareTable(runs: readonly TableRun[]): CompareTable {
  const differing = differingParams(runs)
  const fixedKeys = new Set(FIXED_COLUMNS.map((c) => c.key))
  const otherResults = [...new Set(runs.flatMap((r) => Object.keys(r.results)))]
    .filter((k) => !(RESULT_COLUMNS as readonly string[]).includes(k))
    .sort()
  const resultKeys = [...RESULT_COLUMNS, ...otherResults]
  const taken = new Set([...fixedKeys, ...resultKeys])
  // A parameter already shown as a fixed column (role) is not repeated; one whose name clashes
  // with a result key is keyed `param.<name>` so no cell is overwritten.
  const paramColumns = differing
    .filter((k) => !fixedKeys.has(k))
    .map((k) => ({ param: k, key: taken.has(k) ? `param.${k}` : k }))

  const columns = [
    ...FIXED_COLUMNS,
    ...paramColumns.map((c) => ({ key: c.key, label: c.param })),
    ...resultKeys.map((k) => ({ key: k, label: k })),
  ]
  const rows = runs.map((r) => {
    const row: Record<string, string | number | null> = {
      id: r.id,
      experiment: r.experimentName,
      label: r.label,
      role: r.role,
      status: r.status,
    }
    for (const c of paramColumns) row[c.key] = exportCell(paramValue(r.params[c.param]))
    for (const k of resultKeys) row[k] = resultCell(r.results[k])
    return row
  })
  return { columns, rows, differing }
}
