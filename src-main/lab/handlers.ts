/**
 * One handler per contract method. Each receives input already validated by the method's zod
 * schema and either returns the method's output or throws a `LabError`.
 */
import {
  LabError,
  type MethodName,
  type MethodOutputs,
  type MethodParsedInput,
} from '../../src-shared/contract'
import type { RunSummary } from '../../src-shared/types'
import type { Scheduler } from '../scheduler/index'
import type { Store } from '../store/index'
import { createAppHandlers } from './app-handlers'
import { doctorReport, listDatasets, listModelArchs } from './engine-api'
import type { EventBus } from './events'
import { EXPORT_EXTENSION, EXPORT_MIME, renderTable } from './analysis/export-formats'
import { checkSpec, launchSpec } from './launch'
import { compareTable, type CompareTable } from './analysis/tables'
import { labVersion } from './version'

export interface HandlerContext {
  store: Store
  scheduler: Scheduler
  events: EventBus
  dataDir: string
  concurrency: number
  /** Refuse spec file paths outside the data folder (a lab serving a browser). */
  confinePaths?: boolean
}

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>) => Promise<MethodOutputs[M]> | MethodOutputs[M]
}

function notFound(what: string): LabError {
  return new LabError('not_found', `${what} does not exist`)
}

/** The runs a table is built from: given ids (all must exist), one experiment, or every run. */
function selectRuns(
  store: Store,
  selection: { runIds?: number[]; experimentId?: number },
): RunSummary[] {
  if (selection.runIds) {
    const runs = store.selectRuns({ runIds: selection.runIds })
    const found = new Set(runs.map((r) => r.id))
    const missing = [...new Set(selection.runIds)].filter((id) => !found.has(id))
    if (missing.length) {
      throw new LabError(
        'not_found',
        `${missing.length === 1 ? 'run' : 'runs'} ${missing.map((id) => `#${id}`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`,
        { missing },
      )
    }
    return runs
  }
  if (selection.experimentId !== undefined && !store.experiments.get(selection.experimentId)) {
    throw notFound(`experiment #${selection.experimentId}`)
  }
  return store.selectRuns({ experimentId: selection.experimentId })
}

function buildTable(
  store: Store,
  selection: { runIds?: number[]; experimentId?: number },
): CompareTable {
  const runs = selectRuns(store, selection)
  const params = store.runs.paramsFor(runs.map((r) => r.id))
  return compareTable(
    runs.map((r) => ({
      id: r.id,
      experimentName: r.experimentName,
      label: r.label,
      role: r.role,
      status: r.status,
      params: params.get(r.id) ?? {},
      results: r.results,
    })),
  )
}

/** The handlers of every method of the contract, bound to one lab. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { store, scheduler, events, dataDir } = ctx
  return {
    'experiments.validate': ({ spec }) => checkSpec(store, dataDir, spec, ctx).result,
    'experiments.launch': ({ spec }) => {
      const launched = launchSpec(store, dataDir, spec, ctx)
      events.emit('run.created', launched)
      scheduler.wake()
      return launched
    },
    'experiments.list': () => store.experiments.list(),
    'runs.list': (input) => store.listRuns(input),
    'runs.get': ({ id }) => {
      const detail = store.runDetail(id)
      if (!detail) throw notFound(`run #${id}`)
      return detail
    },
    'runs.metrics': ({ id, keys }) => {
      if (!store.runs.get(id)) throw notFound(`run #${id}`)
      return store.metrics.series(id, keys)
    },
    'runs.cancel': async ({ id }) => ({ id, status: await scheduler.cancel(id) }),
    'compare.table': (selection) => buildTable(store, selection),
    'export.table': ({ format, ...selection }) => {
      const table = buildTable(store, selection)
      const stem = selection.runIds
        ? 'runs'
        : selection.experimentId !== undefined
          ? `experiment-${selection.experimentId}`
          : 'all-runs'
      return {
        format,
        content: renderTable(table, format),
        mime: EXPORT_MIME[format],
        filename: `compression-lab-${stem}.${EXPORT_EXTENSION[format]}`,
      }
    },
    'datasets.list': () => listDatasets(),
    'models.list': () => listModelArchs(),
    'system.info': async () => {
      return {
        version: labVersion(),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        dbPath: store.path,
        dbBytes: store.sizeBytes(),
        dataDir,
        concurrency: ctx.concurrency,
        doctor: await doctorReport(),
      }
    },
    // The desktop app's views (issue 5).
    ...createAppHandlers(ctx),
  }
}
