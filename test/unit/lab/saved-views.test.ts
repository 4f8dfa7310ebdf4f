/** Saved views through the Lab service (issue 18 item 11): per experiment, by name, on a real database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabError } from '../../../src-shared/contract'
import { createLab, type Lab } from '../../../src-main/lab/index'
import { openStore } from '../../../src-main/store/index'
import { tempDir } from '../store/helpers'

let lab: Lab
let cleanup: () => void
let experimentId: number
let other: number
beforeEach(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  lab = await createLab({ dataDir: t.dir, schedule: false })
  const side = openStore(lab.dbPath)
  experimentId = side.experiments.insert({ name: 'prune-sweep', spec: {} })
  other = side.experiments.insert({ name: 'other', spec: {} })
  side.close()
})
afterEach(async () => {
  await lab.stop()
  cleanup()
})

const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: unknown) => (e instanceof LabError ? e.code : String(e)))

describe('views.*', () => {
  it('saves views per experiment by name, replaces a name in use, lists by name, deletes', async () => {
    const first = await lab.call('views.save', { experimentId, name: 'taylor only', page: 'runs', query: { experiment: String(experimentId), q: 'method.criterion = taylor' } })
    expect(first).toMatchObject({ experimentId, name: 'taylor only', page: 'runs', query: { q: 'method.criterion = taylor' } })
    await lab.call('views.save', { experimentId, name: 'By ratio', page: 'sweeps', query: { rows: 'method.target.ratio' } })
    await lab.call('views.save', { experimentId: other, name: 'taylor only', page: 'runs', query: {} })
    // The same name again (in any case) replaces that view (same id), in its experiment only.
    const again = await lab.call('views.save', { experimentId, name: 'Taylor only', page: 'runs', query: { q: 'method.criterion = l1' } })
    expect(again.id).toBe(first.id)
    const { views } = await lab.call('views.list', { experimentId })
    expect(views.map((v) => [v.name, v.page, v.query])).toEqual([
      ['By ratio', 'sweeps', { rows: 'method.target.ratio' }],
      ['Taylor only', 'runs', { q: 'method.criterion = l1' }],
    ])
    expect((await lab.call('views.list', { experimentId: other })).views).toHaveLength(1)
    await lab.call('views.delete', { id: first.id })
    expect((await lab.call('views.list', { experimentId })).views.map((v) => v.name)).toEqual(['By ratio'])
  })

  it('refuses unknown experiments and views, empty names and pages that keep no view', async () => {
    expect(await code(lab.call('views.list', { experimentId: 99 }))).toBe('not_found')
    expect(await code(lab.call('views.save', { experimentId: 99, name: 'x', page: 'runs', query: {} }))).toBe('not_found')
    expect(await code(lab.call('views.delete', { id: 42 }))).toBe('not_found')
    expect(await code(lab.call('views.save', { experimentId, name: '  ', page: 'runs', query: {} }))).toBe('invalid_input')
    expect(await code(lab.call('views.save', { experimentId, name: 'x', page: 'launch' as 'runs', query: {} }))).toBe('invalid_input')
    expect(await code(lab.call('views.save', { experimentId, name: 'x', page: 'runs', query: { 'a b': '1' } }))).toBe('invalid_input')
  })
})
