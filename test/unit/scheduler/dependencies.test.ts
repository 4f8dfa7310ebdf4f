/**
 * Dependency failure propagates along a chain without starting a single worker: a run whose
 * teacher failed, was cancelled or interrupted fails, and so do the runs that depend on it.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { EventPayloads } from '../../../src-shared/contract'
import { Scheduler } from '../../../src-main/scheduler/index'
import type { WorkerLauncher } from '../../../src-main/scheduler/launcher'
import type { Store } from '../../../src-main/store/index'
import { TINY_CONFIG, tempStore } from '../store/helpers'

let store: Store
let dir: string
let cleanup: () => void
beforeEach(() => {
  ;({ store, dir, cleanup } = tempStore())
})
afterEach(() => cleanup())

/** A launcher that must not be used: these runs can never start. */
const noWorkers: WorkerLauncher = {
  spawn() {
    throw new Error('no worker should start in this test')
  },
}

function run(experimentId: number, key: string): number {
  return store.runs.insert({
    experimentId,
    key,
    role: 'student',
    label: key,
    method: 'train',
    seed: 0,
    params: {},
    config: TINY_CONFIG,
  })
}

it.each([
  ['failed', 'teacher run #{t} failed'],
  ['cancelled', 'teacher run #{t} failed: it was cancelled'],
  ['interrupted', 'teacher run #{t} failed: it was interrupted'],
] as const)('a %s teacher fails its dependents, transitively', async (status, message) => {
  const experimentId = store.experiments.insert({ name: 'chain', spec: {} })
  const teacher = run(experimentId, 'teacher')
  const student = run(experimentId, 'student')
  const grandStudent = run(experimentId, 'grand-student')
  store.runs.link(student, [teacher], teacher)
  store.runs.link(grandStudent, [student], student)
  store.runs.settle(teacher, status, status === 'failed' ? 'diverged at epoch 3' : null)

  const events: EventPayloads['run.status'][] = []
  const scheduler = new Scheduler({
    store,
    launcher: noWorkers,
    dataDir: dir,
    emit: (event, payload) => {
      if (event === 'run.status') events.push(payload as EventPayloads['run.status'])
    },
  })
  scheduler.start()
  await scheduler.idle(experimentId)
  await scheduler.stop()

  const studentError = message.replace('{t}', String(teacher))
  expect(store.runs.get(student)).toMatchObject({
    status: 'failed',
    error: studentError,
    startedAt: null,
  })
  expect(store.runs.get(grandStudent)).toMatchObject({
    status: 'failed',
    error: `teacher run #${student} failed`,
  })
  expect(events).toEqual([
    { runId: student, status: 'failed', error: studentError },
    { runId: grandStudent, status: 'failed', error: `teacher run #${student} failed` },
  ])
})

it('a pruning run whose parent was cancelled says so', async () => {
  const experimentId = store.experiments.insert({ name: 'prune', spec: {} })
  const parent = run(experimentId, 'parent-0')
  const pruned = store.runs.insert({
    experimentId,
    key: 'run-0',
    role: 'pruned',
    label: 'prune taylor seed 0',
    method: 'prune',
    seed: 0,
    params: {},
    config: TINY_CONFIG,
    dependsOn: [parent],
    parentRunId: parent,
  })
  store.runs.settle(parent, 'cancelled', null)
  const scheduler = new Scheduler({ store, launcher: noWorkers, dataDir: dir, emit: () => {} })
  scheduler.start()
  await scheduler.idle(experimentId)
  await scheduler.stop()
  expect(store.runs.get(pruned)?.error).toBe(`parent run #${parent} failed: it was cancelled`)
})

it('a run whose worker cannot be started fails with the reason', async () => {
  const experimentId = store.experiments.insert({ name: 'no worker', spec: {} })
  const id = run(experimentId, 'run-0')
  const scheduler = new Scheduler({ store, launcher: noWorkers, dataDir: dir, emit: () => {} })
  scheduler.start()
  await scheduler.idle(experimentId)
  await scheduler.stop()
  expect(store.runs.get(id)).toMatchObject({
    status: 'failed',
    error: 'could not start a worker: no worker should start in this test',
  })
})

it('a scheduler restricted to some experiments neither starts nor fails the runs of others', async () => {
  const other = store.experiments.insert({ name: 'other', spec: {} })
  const waiting = run(other, 'waiting')
  const deadEnd = run(other, 'dead-end')
  const teacher = run(other, 'teacher')
  store.runs.link(deadEnd, [teacher], teacher)
  store.runs.settle(teacher, 'cancelled', null)
  const mine = store.experiments.insert({ name: 'mine', spec: {} })
  const id = run(mine, 'run-0')
  const scheduler = new Scheduler({
    store,
    launcher: noWorkers,
    dataDir: dir,
    emit: () => {},
    experiments: new Set([mine]),
  })
  scheduler.start()
  await scheduler.idle(mine)
  await scheduler.stop()
  // Its own run was tried (and failed: this test starts no worker); the others were not touched.
  expect(store.runs.get(id)?.status).toBe('failed')
  expect(store.runs.get(waiting)?.status).toBe('queued')
  expect(store.runs.get(deadEnd)?.status).toBe('queued')
})
