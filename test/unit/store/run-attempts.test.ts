/** Attempts (migration 0004, issue 17 item 4): a retried run's series, results and logs never mix. */
import { afterEach, expect, it } from 'vitest'
import { INTERRUPTED_REASON } from '../../../src-main/store/index'
import { seedRuns, tempStore } from './helpers'

const cleanups: (() => void)[] = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.()
})

function store(): ReturnType<typeof tempStore>['store'] {
  const t = tempStore()
  cleanups.push(t.cleanup)
  return t.store
}

it('a new attempt starts empty series, results and logs; the earlier one is kept and readable', () => {
  const s = store()
  const [id] = seedRuns(s, 1).runIds
  s.runs.start(id)
  s.metrics.add(id, [{ key: 'train.loss', step: 1, value: 0.9 }, { key: 'train.loss', step: 2, value: 0.8 }])
  s.outputs.setResults(id, { 'test.accuracy': 0.5 })
  s.outputs.addLog(id, { at: '2026-01-01T00:00:00.000Z', level: 'info', message: 'first try' })

  expect(s.attempts.beginAttempt(id, 1, 'box-a')).toBe(false)
  expect(s.attempts.beginAttempt(id, 2, 'box-b')).toBe(true)
  // A late event of attempt 1 does not take the run back.
  expect(s.attempts.beginAttempt(id, 1, 'box-a')).toBe(false)
  expect(s.attempts.placement(id)).toEqual({ attempt: 2, queue: null, worker: 'box-b' })

  expect(s.metrics.series(id)).toEqual([])
  expect(s.metrics.count(id)).toBe(0)
  expect(s.runDetail(id)?.results).toEqual({})
  expect(s.outputs.logs(id)).toEqual([])
  s.metrics.add(id, [{ key: 'train.loss', step: 1, value: 0.7 }])
  s.outputs.setResults(id, { 'test.accuracy': 0.75 })
  s.outputs.addLog(id, { at: '2026-01-01T00:00:01.000Z', level: 'info', message: 'second try' })

  expect(s.metrics.series(id)).toEqual([{ key: 'train.loss', points: [{ step: 1, value: 0.7 }] }])
  expect(s.metrics.series(id, undefined, 1)[0].points.map((p) => p.value)).toEqual([0.9, 0.8])
  expect(s.runDetail(id)?.results).toEqual({ 'test.accuracy': 0.75 })
  expect(s.outputs.logs(id).map((l) => l.message)).toEqual(['second try'])
  expect(s.outputs.logs(id, 10, 1).map((l) => l.message)).toEqual(['first try'])
  expect(s.attempts.attempts(id)).toEqual([
    { attempt: 1, metricPoints: 2, logLines: 1, results: 1 },
    { attempt: 2, metricPoints: 1, logLines: 1, results: 1 },
  ])
  // Sorting by a result reads the current attempt only (one row per run).
  expect(s.listRuns({ sort: 'test.accuracy' }).rows.map((r) => r.results['test.accuracy'])).toEqual([0.75])
})

it('the stored sequence only grows; a restart interrupts local runs and keeps those of its queue', () => {
  const s = store()
  const [local, remote, otherQueue] = seedRuns(s, 3).runIds
  for (const id of [local, remote, otherQueue]) s.runs.start(id)
  s.attempts.sendToQueue(remote, 'complab')
  s.attempts.sendToQueue(otherQueue, 'elsewhere')

  expect(s.attempts.storedSeq(remote, 1)).toBe(0)
  s.attempts.setStoredSeq(remote, 1, 7)
  s.attempts.setStoredSeq(remote, 1, 5)
  expect(s.attempts.storedSeq(remote, 1)).toBe(7)
  expect(s.attempts.storedSeq(remote, 2)).toBe(0)

  expect(s.attempts.runningOn('complab')).toEqual([remote])
  expect(s.runs.interruptRunning(INTERRUPTED_REASON, undefined, 'complab').sort()).toEqual([local, otherQueue])
  expect(s.runs.get(remote)?.status).toBe('running')
  // A lab without a queue cannot take up remote events: it interrupts them too.
  expect(s.runs.interruptRunning(INTERRUPTED_REASON)).toEqual([remote])
})
