/** Runs: the list, one run's detail, curves and layers, and the actions on runs (cancel, delete, re-run, tags, notes). */
import { deleteRuns, noteRun, rerunRuns, tagRuns, type RunActionContext } from '../run-actions'
import { notFound, type DomainContext, type DomainHandlers } from './context'

type RunMethod =
  | 'runs.list'
  | 'runs.get'
  | 'runs.metrics'
  | 'runs.layers'
  | 'runs.cancel'
  | 'runs.delete'
  | 'runs.rerun'
  | 'runs.tag'
  | 'runs.note'
  | 'runs.paramKeys'
  | 'runs.paramValues'

export function runHandlers(ctx: DomainContext): DomainHandlers<RunMethod> {
  const { store, scheduler, admin } = ctx
  const actions: RunActionContext = { store, admin, events: ctx.events, dataDir: ctx.dataDir, wake: () => scheduler.wake() }
  const existing = (id: number): void => {
    if (!store.runs.get(id)) throw notFound(`run #${id}`)
  }
  return {
    'runs.list': (input) => store.listRuns(input),
    'runs.get': ({ id }) => {
      const detail = store.runDetail(id)
      if (!detail) throw notFound(`run #${id}`)
      return detail
    },
    'runs.metrics': ({ id, keys }) => {
      existing(id)
      return store.metrics.series(id, keys)
    },
    'runs.layers': ({ id }) => {
      existing(id)
      return store.outputs.layers(id)
    },
    'runs.cancel': async ({ id }) => ({ id, status: await scheduler.cancel(id) }),
    'runs.delete': ({ ids }) => deleteRuns(actions, ids),
    'runs.rerun': ({ ids }) => rerunRuns(actions, ids),
    'runs.tag': ({ ids, add, remove }) => tagRuns(actions, ids, add, remove),
    'runs.note': ({ id, body }) => noteRun(actions, id, body),
    'runs.paramKeys': () => ({ keys: admin.paramKeys() }),
    'runs.paramValues': ({ keys }) => ({
      values: Object.fromEntries(keys.map((k) => [k, Object.fromEntries(admin.paramValues(k))])),
    }),
  }
}
