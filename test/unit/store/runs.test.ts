import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { LabError, RUN_SORT_COLUMNS } from '../../../src-shared/contract'
import { RUN_SORT_SQL, runOrder } from '../../../src-main/store/run-sort'
import { INTERRUPTED_REASON, type Store } from '../../../src-main/store/index'
import { seedRuns, tempStore } from './helpers'

let store: Store
let cleanup: () => void
beforeEach(() => {
  ;({ store, cleanup } = tempStore())
})
afterEach(() => cleanup())

describe('sort whitelist', () => {
  it('maps every contract sort column, and nothing else', () => {
    expect(Object.keys(RUN_SORT_SQL).sort()).toEqual([...RUN_SORT_COLUMNS].sort())
    for (const column of RUN_SORT_COLUMNS) expect(() => runOrder(column, 'desc')).not.toThrow()
  })

  it('rejects SQL-like column names and directions with invalid_input, copying nothing into SQL', () => {
    const attacks = [
      'id; DROP TABLE runs; --',
      'id DESC, (SELECT 1)',
      "test.accuracy' OR '1'='1",
      'r.id',
      'status--',
      '',
    ]
    for (const column of attacks) {
      let error: unknown
      try {
        runOrder(column, 'asc')
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(LabError)
      expect((error as LabError).code).toBe('invalid_input')
    }
    expect(() => runOrder('id', 'asc; DELETE FROM runs')).toThrow(
      /sort direction must be asc or desc/,
    )
    expect(() => store.runs.list({ sort: 'id; DROP TABLE runs', direction: 'asc' })).toThrow(
      LabError,
    )
  })

  it('pages by id in the table order, without sorting every run (the Runs view first page)', () => {
    const { runIds } = seedRuns(store, 5)
    const order = runOrder('id', 'desc')
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id ${order.orderBy} LIMIT 2`)
      .all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join('; ')).not.toMatch(/TEMP B-TREE/)
    expect(store.listRuns({ sort: 'id', direction: 'desc', limit: 2 }).rows.map((r) => r.id)).toEqual([...runIds].sort((a, b) => b - a).slice(0, 2))
    expect(store.listRuns({ sort: 'id', direction: 'asc', limit: 2 }).rows.map((r) => r.id)).toEqual([...runIds].sort((a, b) => a - b).slice(0, 2))
  })

  it('treats injection-like filter values as plain data', () => {
    const { runIds } = seedRuns(store, 3)
    const hostile = "x' OR 1=1; DROP TABLE runs; --"
    expect(store.listRuns({ search: hostile }).total).toBe(0)
    expect(store.listRuns({ role: hostile }).total).toBe(0)
    expect(store.listRuns({ method: "train' OR '1'='1" }).total).toBe(0)
    // `%` and `_` are literal in a search, not wildcards.
    expect(store.listRuns({ search: '%' }).total).toBe(0)
    expect(store.listRuns({ search: '_' }).total).toBe(0)
    expect(store.listRuns({}).total).toBe(runIds.length)
    expect(store.integrityCheck()).toBe('ok')
  })
})

describe('runs repository', () => {
  it('lists with filters, total, paging and each whitelisted order', () => {
    const a = seedRuns(store, 3, 'alpha sweep')
    const b = seedRuns(store, 2, 'beta_test')
    store.runs.settle(a.runIds[0], 'failed', 'boom')
    store.runs.start(a.runIds[1])
    store.outputs.setResults(a.runIds[1], { 'test.accuracy': 0.9, 'test.loss': 0.3 })
    store.outputs.setResults(a.runIds[2], { 'test.accuracy': 0.7 })
    store.outputs.setResults(b.runIds[0], { 'test.accuracy': 0.8 })

    expect(store.listRuns({ experimentId: b.experimentId }).rows.map((r) => r.id)).toEqual(b.runIds)
    expect(store.listRuns({ status: ['failed', 'running'] }).rows.map((r) => r.status)).toEqual([
      'failed',
      'running',
    ])
    expect(store.listRuns({ search: 'beta_' }).total).toBe(2)
    expect(store.listRuns({ search: 'RUN 1' }).rows.map((r) => r.id)).toEqual([
      a.runIds[1],
      b.runIds[1],
    ])

    const page = store.listRuns({ sort: 'id', direction: 'desc', limit: 2, offset: 1 })
    expect(page.total).toBe(5)
    expect(page.rows.map((r) => r.id)).toEqual([b.runIds[0], a.runIds[2]])

    // Results sort through the join; runs without the result come last either way.
    const byAcc = store.listRuns({ sort: 'test.accuracy', direction: 'desc' }).rows.map((r) => r.id)
    expect(byAcc).toEqual([a.runIds[1], b.runIds[0], a.runIds[2], b.runIds[1], a.runIds[0]])
    const byAccAsc = store
      .listRuns({ sort: 'test.accuracy', direction: 'asc' })
      .rows.map((r) => r.id)
    expect(byAccAsc.slice(0, 3)).toEqual([a.runIds[2], b.runIds[0], a.runIds[1]])
    const byLoss = store.listRuns({ sort: 'test.loss', direction: 'asc' }).rows
    expect(byLoss[0].id).toBe(a.runIds[1])
    expect(byLoss[0].results).toEqual({ 'test.accuracy': 0.9, 'test.loss': 0.3 })

    const byExperiment = store
      .listRuns({ sort: 'experiment', direction: 'desc' })
      .rows.map((r) => r.experimentName)
    expect(byExperiment).toEqual([
      'beta_test',
      'beta_test',
      'alpha sweep',
      'alpha sweep',
      'alpha sweep',
    ])
    for (const column of RUN_SORT_COLUMNS)
      expect(store.listRuns({ sort: column, direction: 'asc' }).total).toBe(5)
  })

  it('settles each run once, and start-up recovery interrupts only running runs', () => {
    const { runIds } = seedRuns(store, 4)
    expect(store.runs.start(runIds[0])).toBe(true)
    expect(store.runs.start(runIds[0])).toBe(false)
    store.runs.start(runIds[1])
    store.metrics.add(runIds[0], [{ key: 'train.loss', step: 1, value: 2.1 }])
    expect(store.runs.settle(runIds[1], 'finished', null)).toBe(true)
    expect(store.runs.settle(runIds[1], 'failed', 'late')).toBe(false)
    expect(store.runs.get(runIds[1])?.status).toBe('finished')

    expect(store.runs.interruptRunning(INTERRUPTED_REASON)).toEqual([runIds[0]])
    const interrupted = store.runs.get(runIds[0])
    expect(interrupted?.status).toBe('interrupted')
    expect(interrupted?.error).toBe('interrupted: the lab stopped while it ran')
    expect(interrupted?.finishedAt).not.toBeNull()
    expect(store.metrics.series(runIds[0])).toEqual([
      { key: 'train.loss', points: [{ step: 1, value: 2.1 }] },
    ])
    expect(store.runs.get(runIds[2])?.status).toBe('queued')
    expect(store.runs.activeCount()).toBe(2)
  })

  it('keeps metrics per key and step, results, artifacts, layers, logs, tags and notes', () => {
    const { runIds } = seedRuns(store, 2)
    const id = runIds[0]
    store.metrics.add(id, [
      { key: 'train.loss', step: 2, value: 1.5 },
      { key: 'train.loss', step: 1, value: 2 },
      { key: 'val.accuracy', step: 1, value: 0.5 },
      { key: 'train.loss', step: 2, value: 1.4 },
      { key: 'train.loss', step: 3, value: Number.NaN },
    ])
    expect(store.metrics.series(id, ['train.loss'])).toEqual([
      {
        key: 'train.loss',
        points: [
          { step: 1, value: 2 },
          { step: 2, value: 1.4 },
          { step: 3, value: Number.NaN },
        ],
      },
    ])
    expect(store.metrics.series(id).map((s) => s.key)).toEqual(['train.loss', 'val.accuracy'])

    store.outputs.addArtifact(id, {
      kind: 'model',
      path: '/a/run-1/model.json',
      bytes: 10,
      sha256: 'ab',
    })
    store.outputs.addArtifact(id, {
      kind: 'weights',
      path: '/a/run-1/weights.bin',
      bytes: 99,
      sha256: 'cd',
    })
    expect(store.outputs.modelArtifact(id)?.path).toBe('/a/run-1/model.json')
    expect(store.outputs.modelArtifact(runIds[1])).toBeUndefined()

    store.outputs.setLayers(id, 'before', [
      { name: 'dense_1', kind: 'dense', units: 16, params: 12560, macs: 12544 },
      { name: 'dense_2', kind: 'dense', units: 10, params: 170, macs: 160 },
    ])
    store.outputs.setLayers(id, 'after', [
      { name: 'dense_1', kind: 'dense', units: 8, params: 6280, macs: 6272 },
    ])
    store.outputs.setLayers(id, 'after', [
      { name: 'dense_1', kind: 'dense', units: 4, params: 3140, macs: 3136 },
    ])
    expect(store.outputs.layers(id)).toEqual([
      {
        phase: 'before',
        layers: [
          { name: 'dense_1', kind: 'dense', units: 16, params: 12560, macs: 12544 },
          { name: 'dense_2', kind: 'dense', units: 10, params: 170, macs: 160 },
        ],
      },
      {
        phase: 'after',
        layers: [{ name: 'dense_1', kind: 'dense', units: 4, params: 3140, macs: 3136 }],
      },
    ])

    for (let i = 0; i < 5; i++)
      store.outputs.addLog(id, {
        at: `2025-01-01T00:00:0${i}.000Z`,
        level: 'info',
        message: `line ${i}`,
      })
    expect(store.outputs.logs(id, 2).map((l) => l.message)).toEqual(['line 3', 'line 4'])

    store.annotations.addTags(id, ['kd', 'baseline', 'kd'])
    store.annotations.setNote(id, 'first try')
    store.annotations.setNote(id, 'second try')
    store.outputs.setResults(id, { 'test.accuracy': 0.75, params: 12730 })

    const detail = store.runDetail(id)
    expect(detail).toMatchObject({
      id,
      experimentName: 'exp',
      status: 'queued',
      tags: ['baseline', 'kd'],
      notes: 'second try',
      results: { 'test.accuracy': 0.75, params: 12730 },
      params: { seed: 0, 'training.epochs': 1 },
      dependsOn: [],
      teacherRunId: null,
    })
    expect(detail?.artifacts.map((a) => a.kind)).toEqual(['model', 'weights'])
    expect(detail?.logs).toHaveLength(5)
    expect(store.runDetail(9999)).toBeUndefined()
  })

  it('writes a long batch of points many to a statement, as one by one: in order, the last value of a point wins', () => {
    const [id] = seedRuns(store, 1).runIds
    // 1,000 points and a few more: a point repeated across a statement's edge, and one without a key.
    const points = Array.from({ length: 1003 }, (_, i) => ({ key: 'train.loss', step: (i % 700) + 1, value: i }))
    store.metrics.add(id, [...points.slice(0, 450), { key: '', step: 1, value: 9 }, ...points.slice(450)])
    const loss = store.metrics.series(id, ['train.loss'])[0].points
    expect(loss).toHaveLength(700)
    expect(loss[0]).toEqual({ step: 1, value: 700 })
    expect(loss[302]).toEqual({ step: 303, value: 1002 })
    expect(loss[303]).toEqual({ step: 304, value: 303 })
    expect(store.metrics.count(id)).toBe(700)
  })

  it('enforces foreign keys', () => {
    expect(() => store.metrics.add(12345, [{ key: 'x', step: 0, value: 1 }])).toThrow(/FOREIGN KEY/)
  })

  it('counts runs per experiment and status', () => {
    const a = seedRuns(store, 3, 'a')
    store.runs.settle(a.runIds[0], 'cancelled', null)
    seedRuns(store, 1, 'b')
    expect(store.experiments.list()).toMatchObject([
      { id: a.experimentId, name: 'a', runCount: 3, statusCounts: { cancelled: 1, queued: 2 } },
      { name: 'b', runCount: 1, statusCounts: { queued: 1 } },
    ])
  })
})
