/**
 * The runs a table is built from, loaded once in the analysis's one run shape: given ids (all
 * must exist), one experiment, or every run — plus the runs they refer to (teachers, parents, and
 * the baselines of their students) for the gains and kept fractions.
 */
import { LabError } from '../../../src-shared/contract'
import type { RunSummary } from '../../../src-shared/types'
import type { AnalysisRun } from '../analysis/run'
import { notFound, type DomainContext } from './context'

export interface RunSelection {
  runIds?: number[]
  experimentId?: number
  /** Keep only runs with one of these roles. */
  roles?: string[]
}

/** The runs with their params and relations. */
function withParams(ctx: DomainContext, summaries: RunSummary[]): AnalysisRun[] {
  if (!summaries.length) return []
  const ids = summaries.map((r) => r.id)
  const params = ctx.store.runs.paramsFor(ids)
  const relations = ctx.admin.relations(ids)
  return summaries.map((r) => ({
    id: r.id,
    experimentId: r.experimentId,
    experimentName: r.experimentName,
    label: r.label,
    role: r.role,
    method: r.method,
    seed: r.seed,
    status: r.status,
    params: params.get(r.id) ?? {},
    results: r.results,
    teacherRunId: relations.get(r.id)?.teacherRunId ?? null,
    parentRunId: relations.get(r.id)?.parentRunId ?? null,
  }))
}

/** The selected runs; throws `not_found` naming every missing run, or a missing experiment. */
export function selectedRuns(ctx: DomainContext, selection: RunSelection): AnalysisRun[] {
  const { store } = ctx
  if (selection.runIds === undefined && selection.experimentId !== undefined && !store.experiments.get(selection.experimentId)) {
    throw notFound(`experiment #${selection.experimentId}`)
  }
  const summaries = store.selectRuns({ runIds: selection.runIds, experimentId: selection.experimentId })
  if (selection.runIds) {
    const found = new Set(summaries.map((r) => r.id))
    const missing = [...new Set(selection.runIds)].filter((id) => !found.has(id))
    if (missing.length) {
      const one = missing.length === 1
      throw new LabError(
        'not_found',
        `${one ? 'run' : 'runs'} ${missing.map((id) => `#${id}`).join(', ')} ${one ? 'does' : 'do'} not exist`,
        { missing },
      )
    }
  }
  // Roles are kept before the parameters are read (a lab of 10,000 runs has few students).
  return withParams(ctx, selection.roles?.length ? summaries.filter((r) => selection.roles?.includes(r.role)) : summaries)
}

/** The selected runs and the runs they refer to that are not selected (teachers, parents, baselines). */
export function runsWithRelatives(
  ctx: DomainContext,
  selection: RunSelection,
): { runs: AnalysisRun[]; context: AnalysisRun[] } {
  const runs = selectedRuns(ctx, selection)
  const have = new Set(runs.map((r) => r.id))
  const refs = new Set<number>()
  for (const r of runs) {
    if (r.teacherRunId !== null) refs.add(r.teacherRunId)
    if (r.parentRunId !== null) refs.add(r.parentRunId)
  }
  const experiments = [...new Set(runs.filter((r) => r.role === 'student').map((r) => r.experimentId))]
  if (experiments.length) for (const id of ctx.admin.idsByRole(experiments, 'baseline')) refs.add(id)
  const others = [...refs].filter((id) => !have.has(id))
  return { runs, context: others.length ? withParams(ctx, ctx.store.selectRuns({ runIds: others })) : [] }
}
