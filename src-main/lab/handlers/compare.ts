/**
 * Comparing runs: the comparison table (runs as rows), the compare sheet (runs side by side),
 * sweep pivots and Pareto fronts. Each builds its table with `analysis/` from runs loaded once
 * (`selection.ts`), so the window, the server and the CLI see the same numbers.
 */
import { compareSheet } from '../analysis/compare-sheet'
import { matrixOf } from '../analysis/matrix'
import { paretoOf } from '../analysis/pareto'
import { pivotAvailable, pivotRuns, withDerived } from '../analysis/pivot'
import { compareTable } from '../analysis/tables'
import { notFound, type DomainContext, type DomainHandlers } from './context'
import { runsWithRelatives, selectedRuns } from './selection'

type CompareMethod = 'compare.table' | 'compare.sheet' | 'compare.matrix' | 'sweeps.pivot' | 'sweeps.pareto'

export function compareHandlers(ctx: DomainContext): DomainHandlers<CompareMethod> {
  return {
    'compare.table': (selection) => compareTable(selectedRuns(ctx, selection)),
    'compare.sheet': ({ runIds }) => {
      const byId = new Map(selectedRuns(ctx, { runIds }).map((r) => [r.id, r]))
      // Columns in the order the user picked the runs.
      const ordered = [...new Set(runIds)].map((id) => {
        const r = byId.get(id)
        if (!r) throw notFound(`run #${id}`)
        return r
      })
      return compareSheet(ordered, ctx.admin.metricKeys(ordered.map((r) => r.id)))
    },
    'compare.matrix': ({ kind, metric, columns, cells, ...selection }) => {
      const runs = selectedRuns(ctx, selection)
      try {
        return { table: matrixOf(kind, runs, { metric, columns, cells }), reason: null }
      } catch (e) {
        // Not a failure: these runs make no such matrix (the window asks whenever its preset is on).
        return { table: null, reason: (e as Error).message }
      }
    },
    'sweeps.pivot': ({ rows, columns, metrics, ...selection }) => {
      const { runs, context } = runsWithRelatives(ctx, selection)
      const derived = withDerived(runs, context)
      return { ...pivotRuns(derived, { rows, columns, metrics }), available: pivotAvailable(derived) }
    },
    'sweeps.pareto': ({ x, y, ...selection }) => {
      const { runs, context } = runsWithRelatives(ctx, selection)
      return paretoOf(withDerived(runs, context), x, y)
    },
  }
}
