/** The one gain rule: a run minus its reference, paired by seed; a student's baseline found by what they share. */
import { describe, expect, it } from 'vitest'
import { baselineFinder, gainOver, pairedGains, studentGains, studentKey } from '../../../../src-main/lab/analysis/gains'

const mlp = { 'model.arch': 'mlp', 'model.hidden': [32], 'dataset.name': 'mnist-10k', 'training.epochs': 2 }
const run = (id: number, experimentId: number, role: string, seed: number, params: Record<string, unknown>, acc = 0.9) => ({
  id,
  experimentId,
  role,
  seed,
  params: { ...params, seed },
  results: { 'test.accuracy': acc, 'test.examples': 100, params: 1000 + id },
})

describe('gains', () => {
  it('pairs a run with its reference on every result with a direction', () => {
    const g = pairedGains(run(1, 1, 'student', 0, mlp, 0.93), run(2, 1, 'baseline', 0, mlp, 0.9))
    expect(g['gain.test.accuracy']).toBeCloseTo(0.03, 12)
    expect(g['gain.params']).toBe(-1)
    // A count of examples has no direction: no gain.
    expect(g['gain.test.examples']).toBeUndefined()
    expect(gainOver({ results: { x: 1 } }, { results: {} }, 'x')).toBeUndefined()
  })

  it("finds a student's baseline by model, data, training and seed, preferring its own launch", () => {
    const other = run(10, 2, 'baseline', 0, mlp)
    const own = run(11, 1, 'baseline', 0, mlp)
    const seed1 = run(12, 1, 'baseline', 1, mlp)
    const wider = run(13, 1, 'baseline', 0, { ...mlp, 'model.hidden': [64] })
    const find = baselineFinder([other, own, seed1, wider, run(14, 1, 'teacher', 0, mlp)])
    const student = run(20, 1, 'student', 0, { ...mlp, 'method.teacher': 'run #14', 'method.temperature': 4 })
    expect(find(student)?.id).toBe(11)
    expect(find({ ...student, experimentId: 3 })?.id).toBe(10)
    expect(find({ ...student, seed: 2 })).toBeUndefined()
    expect(studentKey(student)).toBe(studentKey(own))
    expect(studentKey(student)).not.toBe(studentKey(wider))
  })

  it("gives each finished student its accuracy minus its own launch's student alone of the same seed (the runs table's gain column)", () => {
    const fin = <R extends object>(r: R) => ({ ...r, status: 'finished' as const })
    const runs = [
      fin(run(1, 1, 'baseline', 0, mlp, 0.9)),
      fin(run(2, 1, 'baseline', 1, mlp, 0.88)),
      fin(run(3, 2, 'baseline', 0, mlp, 0.5)),
      fin(run(4, 1, 'student', 0, mlp, 0.93)),
      fin(run(5, 1, 'student', 1, mlp, 0.87)),
      // No student alone of seed 2; a running student; a baseline that failed.
      fin(run(6, 1, 'student', 2, mlp, 0.95)),
      { ...run(7, 1, 'student', 0, mlp, 0.99), status: 'running' as const },
      { ...run(8, 3, 'baseline', 3, mlp, 0.1), status: 'failed' as const },
      fin(run(9, 3, 'student', 3, mlp, 0.9)),
      fin(run(10, 1, 'teacher', 0, mlp, 0.99)),
    ]
    const gains = studentGains(runs)
    expect(gains.map((g) => [g.runId, g.baselineRunId, g.metric])).toEqual([
      [4, 1, 'test.accuracy'],
      [5, 2, 'test.accuracy'],
    ])
    expect(gains[0].gain).toBeCloseTo(0.03, 12)
    expect(gains[1].gain).toBeCloseTo(-0.01, 12)
    // A detector's students are measured on mAP.
    const det = (id: number, role: string, map: number) => ({ ...fin(run(id, 4, role, 0, mlp)), results: { 'test.mAP': map } })
    expect(studentGains([det(20, 'baseline', 0.4), det(21, 'student', 0.45)]).map((g) => [g.metric, Math.round(g.gain * 100)])).toEqual([['test.mAP', 5]])
  })
})
