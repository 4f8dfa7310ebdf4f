/**
 * Handlers of the methods the desktop app's views added to the contract (issue 5): examples and
 * schema for the launch form, run actions, parameter columns for the runs table, the compare
 * sheet, sweep pivots and Pareto fronts, table export, model files in and out, and preview images.
 */
import { LabError, type MethodName } from '../../src-shared/contract'
import { specJsonSchema } from '../../src-shared/spec/schema'
import type { Store } from '../store/index'
import { runAdminRepo, type RunAdminRepo } from '../store/run-admin'
import { compareSheet } from './analysis/compare-sheet'
import { listExamples } from './examples'
import { EXPORT_EXTENSION, EXPORT_MIME, renderTable } from './analysis/export-formats'
import type { HandlerContext, Handlers } from './handlers'
import { importModel, readArtifact } from './model-files'
import { paretoOf } from './analysis/pareto'
import { readPreview } from './previews'
import { pivotAvailable, pivotRuns, withDerived, type PivotRun } from './analysis/pivot'
import { deleteRuns, noteRun, rerunRuns, tagRuns, type RunActionContext } from './run-actions'

type AppMethod =
  | 'specs.examples'
  | 'specs.schema'
  | 'runs.delete'
  | 'runs.rerun'
  | 'runs.tag'
  | 'runs.note'
  | 'runs.layers'
  | 'runs.paramKeys'
  | 'runs.paramValues'
  | 'compare.sheet'
  | 'sweeps.pivot'
  | 'sweeps.pareto'
  | 'export.render'
  | 'artifacts.read'
  | 'artifacts.preview'
  | 'models.import'

export type AppHandlers = Pick<Handlers, AppMethod & MethodName>

const admins = new WeakMap<Store, RunAdminRepo>()
function adminOf(store: Store): RunAdminRepo {
  let admin = admins.get(store)
  if (!admin) admins.set(store, (admin = runAdminRepo(store.db)))
  return admin
}

interface Selection {
  runIds?: number[]
  experimentId?: number
  roles?: string[]
}

/** The selected runs with params and relations, plus the teachers, parents and baselines they refer to. */
function pivotRunsOf(store: Store, admin: RunAdminRepo, selection: Selection): { runs: PivotRun[]; context: PivotRun[] } {
  if (selection.experimentId !== undefined && !store.experiments.get(selection.experimentId))
    throw new LabError('not_found', `experiment #${selection.experimentId} does not exist`)
  let summaries = store.selectRuns({ runIds: selection.runIds, experimentId: selection.experimentId })
  if (selection.runIds) {
    const found = new Set(summaries.map((r) => r.id))
    const missing = selection.runIds.filter((id) => !found.has(id))
    if (missing.length) throw new LabError('not_found', `runs ${missing.map((id) => `#${id}`).join(', ')} do not exist`, { missing })
  }
  if (selection.roles?.length) summaries = summaries.filter((r) => selection.roles?.includes(r.role))
  const load = (ids: number[]): PivotRun[] => {
    const rows = store.selectRuns({ runIds: ids })
    const params = store.runs.paramsFor(ids)
    const relations = admin.relations(ids)
    return rows.map((r) => ({
      id: r.id,
      experimentId: r.experimentId,
      experimentName: r.experimentName,
      label: r.label,
      role: r.role,
      params: params.get(r.id) ?? {},
      results: r.results,
      teacherRunId: relations.get(r.id)?.teacherRunId ?? null,
      parentRunId: relations.get(r.id)?.parentRunId ?? null,
    }))
  }
  const runs = summaries.length ? load(summaries.map((r) => r.id)) : []
  const have = new Set(runs.map((r) => r.id))
  const refs = new Set<number>()
  for (const r of runs) {
    if (r.teacherRunId !== null) refs.add(r.teacherRunId)
    if (r.parentRunId !== null) refs.add(r.parentRunId)
  }
  const experiments = [...new Set(runs.filter((r) => r.role === 'student').map((r) => r.experimentId))]
  if (experiments.length) for (const id of admin.idsByRole(experiments, 'baseline')) refs.add(id)
  const contextIds = [...refs].filter((id) => !have.has(id))
  return { runs, context: contextIds.length ? load(contextIds) : [] }
}

/** The handlers of the app methods, bound to one lab. */
export function createAppHandlers(ctx: HandlerContext): AppHandlers {
  const { store, events, dataDir } = ctx
  const admin = adminOf(store)
  const actions: RunActionContext = { store, admin, events, dataDir, wake: () => ctx.scheduler.wake() }
  let schema: Record<string, unknown> | null = null
  return {
    'specs.examples': () => listExamples(),
    'specs.schema': () => (schema ??= specJsonSchema()),
    'runs.delete': ({ ids }) => deleteRuns(actions, ids),
    'runs.rerun': ({ ids }) => rerunRuns(actions, ids),
    'runs.tag': ({ ids, add, remove }) => tagRuns(actions, ids, add, remove),
    'runs.note': ({ id, body }) => noteRun(actions, id, body),
    'runs.layers': ({ id }) => {
      if (!store.runs.get(id)) throw new LabError('not_found', `run #${id} does not exist`)
      return store.outputs.layers(id)
    },
    'runs.paramKeys': () => ({ keys: admin.paramKeys() }),
    'runs.paramValues': ({ keys }) => ({
      values: Object.fromEntries(keys.map((k) => [k, Object.fromEntries(admin.paramValues(k))])),
    }),
    'compare.sheet': ({ runIds }) => {
      const { runs } = pivotRunsOf(store, admin, { runIds })
      const byId = new Map(runs.map((r) => [r.id, r]))
      const summaries = new Map(store.selectRuns({ runIds }).map((r) => [r.id, r]))
      // Columns in the order the user picked the runs.
      const ordered = [...new Set(runIds)].map((id) => {
        const s = summaries.get(id)
        const r = byId.get(id)
        if (!s || !r) throw new LabError('not_found', `run #${id} does not exist`)
        return { ...s, params: r.params }
      })
      return compareSheet(ordered, admin.metricKeys(ordered.map((r) => r.id)))
    },
    'sweeps.pivot': ({ rows, columns, metrics, ...selection }) => {
      const { runs, context } = pivotRunsOf(store, admin, selection)
      const derived = withDerived(runs, context)
      return { ...pivotRuns(derived, { rows, columns, metrics }), available: pivotAvailable(derived) }
    },
    'sweeps.pareto': ({ x, y, ...selection }) => {
      const { runs, context } = pivotRunsOf(store, admin, selection)
      return paretoOf(withDerived(runs, context), x, y)
    },
    'export.render': ({ table, format, name }) => {
      const stem = (name ?? 'table').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'table'
      return {
        format,
        content: renderTable(table, format),
        mime: EXPORT_MIME[format],
        filename: `compression-lab-${stem}.${EXPORT_EXTENSION[format]}`,
      }
    },
    'artifacts.read': ({ id }) => {
      const artifact = admin.artifact(id)
      if (!artifact) throw new LabError('not_found', `artifact #${id} does not exist`)
      return readArtifact(dataDir, artifact)
    },
    'artifacts.preview': ({ runId, id }) => readPreview(dataDir, runId, id, admin.artifact(id)),
    'models.import': ({ files }) => importModel(dataDir, files),
  }
}
