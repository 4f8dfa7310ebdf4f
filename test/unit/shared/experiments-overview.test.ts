/** The Experiments overview's figures (issue 18 item 12), against hand-computed values. */
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src-shared/types'
import { experimentsOverview } from '../../../src-shared/experiments-overview'

const T0 = Date.parse('2026-01-01T00:00:00Z')
const at = (s: number): string => new Date(T0 + s * 1000).toISOString()

function run(id: number, over: Partial<RunSummary>): RunSummary {
  return {
    id, experimentId: 1, experimentName: 'kd', key: `r${id}`, role: 'student', label: `run ${id}`, method: 'distill', seed: 0, status: 'queued',
    error: null, backend: null, createdAt: at(0), startedAt: null, finishedAt: null, progress: null, results: {}, tags: [], ...over,
  }
}

describe('experimentsOverview', () => {
  it('counts runs by status, weighs progress, and finds the best run that is not a reference', () => {
    const rows = [
      run(1, { role: 'teacher', status: 'finished', startedAt: at(0), finishedAt: at(100), results: { 'test.accuracy': 0.99 } }),
      run(2, { status: 'finished', startedAt: at(100), finishedAt: at(160), results: { 'test.accuracy': 0.95 } }),
      run(3, { status: 'finished', startedAt: at(100), finishedAt: at(180), results: { 'test.accuracy': 0.97 } }),
      run(4, { status: 'cancelled' }),
      run(5, { status: 'running', startedAt: at(180), progress: { phase: 'train', epoch: 1, epochs: 4, step: 0, steps: 0, fraction: 0.5, etaSeconds: 40 } }),
      run(6, {}),
      run(7, {}),
      run(9, { experimentId: 2, experimentName: 'other', status: 'failed' }),
    ]
    const [kd, other] = [experimentsOverview(rows, 2, T0)[1], experimentsOverview(rows, 2, T0)[0]]
    expect(kd.counts).toEqual({ queued: 2, running: 1, finished: 3, failed: 0, cancelled: 1, interrupted: 0 })
    expect(kd.fraction).toBeCloseTo((4 + 0.5) / 7, 10)
    // Left: 40 s of run 5, and 2 queued runs at the mean finished length (100, 60, 80 → 80 s), on 2 slots.
    expect(kd.etaSeconds).toBeCloseTo((40 + 2 * 80) / 2, 10)
    expect(kd.best).toEqual({ runId: 3, label: 'run 3', key: 'test.accuracy', value: 0.97 })
    expect(other).toMatchObject({ id: 2, name: 'other', fraction: 1, etaSeconds: 0, best: null })
  })

  it('projects a running run to its end when none has finished; unknown when nothing tells', () => {
    const running = run(1, { status: 'running', startedAt: at(0), progress: { phase: 'train', epoch: 1, epochs: 2, step: 0, steps: 0, fraction: 0.25, etaSeconds: null } })
    // 30 s for a quarter: 120 s a run; 90 s left for it, 120 s for the queued one, on one slot.
    expect(experimentsOverview([running, run(2, {})], 1, T0 + 30_000)[0].etaSeconds).toBeCloseTo(210, 10)
    expect(experimentsOverview([run(2, {})], 1, T0)[0].etaSeconds).toBeNull()
  })

  it('ranks detectors by test mAP', () => {
    const rows = [run(1, { status: 'finished', results: { 'test.mAP': 0.6, 'test.accuracy': 0.2 } }), run(2, { status: 'finished', results: { 'test.mAP': 0.7 } })]
    expect(experimentsOverview(rows, 1, T0)[0].best).toMatchObject({ runId: 2, key: 'test.mAP', value: 0.7 })
  })
})
