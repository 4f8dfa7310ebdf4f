/**
 * How the sweep charts tell runs apart (issue 18 item 9): by pruning criterion where runs have
 * one, else by method, one colour each; the runs a pivot reads (its experiment, or its runs).
 */
import type { ParamLookup } from '../../views/runs-model'
import type { RunSummary } from '../../../src-shared/types'

export const GROUP_PALETTE = ['#2f6fdb', '#2b8a3e', '#7048e8', '#c2255c', '#0b7285', '#e67700', '#d9480f', '#495057']

/** A run's colour group: its `method.criterion`, else its method. */
export function runGroup(run: RunSummary, params: ParamLookup): string {
  const criterion = params.get('method.criterion')?.get(run.id)
  return typeof criterion === 'string' ? criterion : run.method
}

/** The runs of a pivot's source: the chosen runs, else the experiment's, else all. */
export function sourceRuns(rows: readonly RunSummary[], source: { runIds: readonly number[]; experimentId: number | null }): RunSummary[] {
  const ids = new Set(source.runIds)
  return rows.filter((r) => (ids.size ? ids.has(r.id) : source.experimentId === null || r.experimentId === source.experimentId))
}
