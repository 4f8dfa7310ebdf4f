/**
 * Runs side by side (the Compare view): every parameter with the ones that differ flagged (the
 * "only what differs" switch filters on that flag), and every result with the best run marked.
 * Pure, so the view, its exports and the tests see the same sheet.
 */
import type { CompareSheet } from '../../../src-shared/contract'
import { metricDirection } from '../../../src-shared/metrics'
import { paramValue, unionKeys, valuesDiffer } from './params'
import type { AnalysisRun } from './run'
import { RESULT_COLUMNS } from './tables'

export type SheetRun = Pick<
  AnalysisRun,
  'id' | 'label' | 'experimentName' | 'role' | 'method' | 'seed' | 'status' | 'params' | 'results'
>

/** Ids of the runs with the best value of one result (all of them on a tie); [] without a direction. */
export function bestRuns(ids: readonly number[], values: readonly (number | null)[], key: string): number[] {
  const better = metricDirection(key)
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (!better || finite.length < 2) return []
  const best = better === 'higher' ? Math.max(...finite) : Math.min(...finite)
  // Nothing is "best" when every run has the same value.
  if (finite.every((v) => v === best) && finite.length === values.length) return []
  return ids.filter((_, i) => values[i] === best)
}

/** Builds the sheet; `metricKeys` are the learning-curve series the runs recorded. */
export function compareSheet(runs: readonly SheetRun[], metricKeys: readonly string[] = []): CompareSheet {
  const paramRecords = runs.map((r) => r.params)
  const params = unionKeys(paramRecords).map((key) => ({
    key,
    values: runs.map((r) => paramValue(r.params[key])),
    differs: valuesDiffer(paramRecords, key),
  }))
  const resultKeys = unionKeys(runs.map((r) => r.results))
  const fixed = RESULT_COLUMNS.filter((k) => resultKeys.includes(k))
  const others = resultKeys.filter((k) => !(RESULT_COLUMNS as readonly string[]).includes(k)).sort()
  const ids = runs.map((r) => r.id)
  const results = [...fixed, ...others].map((key) => {
    const values = runs.map((r) => {
      const v = r.results[key]
      return v !== undefined && Number.isFinite(v) ? v : null
    })
    return { key, values, better: metricDirection(key), best: bestRuns(ids, values, key) }
  })
  return {
    runs: runs.map(({ id, label, experimentName, role, method, seed, status }) => ({
      id,
      label,
      experimentName,
      role,
      method,
      seed,
      status,
    })),
    params,
    results,
    metricKeys: [...metricKeys].sort(),
  }
}
