/** Batched writes of worker events: one transaction, events after commit, a bad batch isolated. */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { EventName } from '../../../src-shared/contract'
import { flushBuffers, RunEventBuffer } from '../../../src-main/scheduler/event-buffer'
import type { Store } from '../../../src-main/store/index'
import type { LayerReport } from '../../../src-main/worker/protocol'
import { seedRuns, tempStore } from '../store/helpers'

let store: Store
let cleanup: () => void
beforeEach(() => {
  ;({ store, cleanup } = tempStore())
})
afterEach(() => cleanup())

it('writes everything a run sent in one flush and emits the contract events after commit', () => {
  const { runIds } = seedRuns(store, 1)
  const id = runIds[0]
  const b = new RunEventBuffer(id)
  const at = '2025-01-01T00:00:00.000Z'
  expect(b.add({ type: 'ready' })).toBe(false)
  b.add({ type: 'backend', name: 'wasm' }, at)
  b.add({ type: 'heartbeat' }, at)
  b.add({ type: 'metric', points: [{ key: 'train.loss', step: 1, value: 2 }] }, at)
  b.add({ type: 'metric', points: [{ key: 'train.loss', step: 2, value: 1 }] }, at)
  const progress = {
    phase: 'train',
    epoch: 2,
    epochs: 2,
    step: 3,
    steps: 3,
    fraction: 1,
    etaSeconds: 0,
  }
  b.add({ type: 'progress', ...progress }, at)
  b.add({ type: 'log', level: 'info', message: 'hello' }, at)
  b.add({ type: 'artifact', kind: 'model', path: '/x/model.json', bytes: 3, sha256: 'ab' }, at)
  b.add({ type: 'result', results: { 'test.accuracy': 0.5 } }, at)
  b.add({ type: 'result', results: { 'test.loss': 1.5 } }, at)
  b.add(
    {
      type: 'layers',
      phase: 'before',
      layers: [{ name: 'd', kind: 'dense', units: 4, params: 20, macs: 16 }],
    },
    at,
  )
  expect(b.empty).toBe(false)

  const emitted: [EventName, unknown][] = []
  const inTransaction: boolean[] = []
  flushBuffers(
    store,
    (event, payload) => {
      emitted.push([event, payload])
      inTransaction.push(store.db.inTransaction)
    },
    [b],
  )
  expect(b.empty).toBe(true)
  expect(inTransaction.every((x) => !x)).toBe(true)
  expect(emitted).toEqual([
    [
      'run.metric',
      {
        runId: id,
        points: [
          { key: 'train.loss', step: 1, value: 2 },
          { key: 'train.loss', step: 2, value: 1 },
        ],
      },
    ],
    ['run.log', { runId: id, level: 'info', message: 'hello' }],
    ['run.progress', { runId: id, ...progress }],
  ])
  const run = store.runDetail(id)
  expect(run).toMatchObject({
    backend: 'wasm',
    heartbeatAt: at,
    progress,
    results: { 'test.accuracy': 0.5, 'test.loss': 1.5 },
  })
  expect(run?.artifacts.map((a) => a.path)).toEqual(['/x/model.json'])
  expect(store.outputs.layers(id)[0].layers[0].name).toBe('d')
  expect(store.metrics.count(id)).toBe(2)
})

it("a batch SQLite refuses is dropped and logged without blocking the other runs' batches", () => {
  const { runIds } = seedRuns(store, 2)
  const good = new RunEventBuffer(runIds[0])
  good.add({ type: 'metric', points: [{ key: 'train.loss', step: 1, value: 2 }] })
  const bad = new RunEventBuffer(runIds[1])
  bad.add({ type: 'metric', points: [{ key: 'train.loss', step: 1, value: 3 }] })
  // A layer without a name breaks a NOT NULL constraint.
  bad.add({ type: 'layers', phase: 'after', layers: [{ kind: 'dense' } as unknown as LayerReport] })
  const logs: unknown[] = []
  flushBuffers(
    store,
    (event, payload) => {
      if (event === 'run.log') logs.push(payload)
    },
    [bad, good],
  )
  expect(store.metrics.count(runIds[0])).toBe(1)
  // The refused batch is rolled back as a whole (its metric too) and the run's log says why.
  expect(store.metrics.count(runIds[1])).toBe(0)
  expect(bad.empty).toBe(true)
  expect(store.outputs.logs(runIds[1])[0].message).toMatch(
    /^some events of this run could not be stored: NOT NULL constraint failed: layers\.name/,
  )
  expect(logs).toHaveLength(1)
})

it('a batch whose error rolls back the whole transaction fails the flush and keeps every batch', () => {
  const { runIds } = seedRuns(store, 2)
  const first = new RunEventBuffer(runIds[0])
  first.add({ type: 'metric', points: [{ key: 'train.loss', step: 1, value: 2 }] })
  const big = new RunEventBuffer(runIds[1])
  big.add({ type: 'metric', points: [{ key: 'train.loss', step: 1, value: 3 }] })
  // Log lines are single-row inserts without a statement journal: their SQLITE_FULL rolls back
  // the whole transaction (the metrics' multi-row insert would only roll back itself).
  for (let i = 0; i < 100; i++) big.add({ type: 'log', level: 'info', message: `${i} ${'x'.repeat(3000)}` })
  const last = new RunEventBuffer(runIds[0])
  last.add({ type: 'log', level: 'info', message: 'after the full batch' })
  // SQLITE_FULL from max_page_count: SQLite rolls back the whole transaction, not the savepoint.
  const pages = store.db.pragma('page_count', { simple: true }) as number
  store.db.pragma(`max_page_count = ${pages + 4}`)
  const emitted: string[] = []
  expect(() => flushBuffers(store, (event) => emitted.push(event), [first, big, last])).toThrow(
    expect.objectContaining({ code: 'SQLITE_FULL' }),
  )
  // Nothing written, nothing committed half-way, nothing forgotten, nothing announced.
  expect(store.db.inTransaction).toBe(false)
  expect(store.metrics.count(runIds[0])).toBe(0)
  expect(store.metrics.count(runIds[1])).toBe(0)
  expect(store.outputs.logs(runIds[0])).toEqual([])
  expect([first.empty, big.empty, last.empty]).toEqual([false, false, false])
  expect(emitted).toEqual([])
  // Room again: the next flush writes all of it.
  store.db.pragma('max_page_count = 1073741823')
  flushBuffers(store, () => {}, [first, big, last])
  expect(store.metrics.count(runIds[0])).toBe(1)
  expect(store.metrics.count(runIds[1])).toBe(1)
  expect(store.outputs.logs(runIds[1], 1000)).toHaveLength(100)
  expect(store.outputs.logs(runIds[0]).map((l) => l.message)).toEqual(['after the full batch'])
})
