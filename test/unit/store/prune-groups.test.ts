/** The per-group report of pruning runs: from the worker's `groups` message to the store and `runs.groups`. */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { groupHandlers } from '../../../src-main/lab/handlers/groups'
import type { DomainContext } from '../../../src-main/lab/handlers/context'
import { flushBuffers, RunEventBuffer } from '../../../src-main/scheduler/event-buffer'
import type { Store } from '../../../src-main/store/index'
import { GROUP_REPORTS } from '../../helpers/group-reports'
import { seedRuns, tempStore } from './helpers'

let store: Store
let cleanup: () => void
beforeEach(() => {
  ;({ store, cleanup } = tempStore())
})
afterEach(() => cleanup())

const GROUPS = GROUP_REPORTS

it('stores the groups a worker sends, in order, replaced by a second report, deleted with the run', async () => {
  const [id, other] = seedRuns(store, 2).runIds
  const b = new RunEventBuffer(id)
  expect(b.add({ type: 'groups', groups: GROUPS })).toBe(true)
  expect(b.empty).toBe(false)
  flushBuffers(store, () => undefined, [b])
  expect(b.empty).toBe(true)
  const handlers = groupHandlers({ store } as unknown as DomainContext)
  expect(await handlers['runs.groups']({ id })).toEqual(GROUPS)
  expect(await handlers['runs.groups']({ id: other })).toEqual([])
  expect(() => handlers['runs.groups']({ id: 999 })).toThrow('run #999 does not exist')

  store.groups.setGroups(id, [{ ...GROUPS[1], unitsAfter: 4 }])
  expect(store.groups.groups(id).map((g) => [g.name, g.unitsAfter])).toEqual([['b1_conv1', 4]])
  store.db.prepare('DELETE FROM runs WHERE id = ?').run(id)
  expect(store.db.prepare('SELECT COUNT(*) AS n FROM prune_groups').get()).toEqual({ n: 0 })
})
