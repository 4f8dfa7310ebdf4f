/** Sweep pivots: mean ± sample std per cell and its 95 % interval (src-shared/stats.ts), ordering, matrices, derived gains, mixed parameters. */
import { describe, expect, it } from 'vitest'
import { compareValues, pivotAvailable, pivotRuns, withDerived, type PivotRun } from '../../../../src-main/lab/analysis/pivot'

function run(id: number, role: string, params: Record<string, unknown>, results: Record<string, number>, extra: Partial<PivotRun> = {}): PivotRun {
  return { id, experimentId: 1, experimentName: 'exp', label: `run ${id}`, role, seed: Number(params.seed ?? 0), params: { role, ...params }, results, teacherRunId: null, parentRunId: null, ...extra }
}

describe('compareValues', () => {
  it('orders numbers numerically, text naturally, null last', () => {
    const values = ['[128]', null, '[16]', '[16,16]', 'b', 'a']
    expect([...values].sort(compareValues)).toEqual(['[16]', '[16,16]', '[128]', 'a', 'b', null])
    expect([10, 2, null, 1].sort(compareValues)).toEqual([1, 2, 10, null])
  })
})

describe('pivotRuns', () => {
  // A pruning sweep: ratio 0.25 and 0.5, two seeds each; the unpruned parent has no ratio.
  const runs = [
    run(1, 'parent', { seed: 0 }, { 'test.accuracy': 0.95, params: 1000 }),
    run(2, 'pruned', { seed: 0, 'method.target.ratio': 0.5 }, { 'test.accuracy': 0.9, params: 500 }),
    run(3, 'pruned', { seed: 1, 'method.target.ratio': 0.5 }, { 'test.accuracy': 0.8, params: 520 }),
    run(4, 'pruned', { seed: 0, 'method.target.ratio': 0.25 }, { 'test.accuracy': 0.94, params: 750 }),
    run(5, 'pruned', { seed: 1, 'method.target.ratio': 0.25 }, { 'test.accuracy': 0.92 }),
  ]

  it('groups by the row parameter, sorted, with mean ± std over the seeds of each metric', () => {
    const p = pivotRuns(runs, { rows: 'method.target.ratio', metrics: ['test.accuracy', 'params'] })
    expect(p.rowValues).toEqual([0.25, 0.5])
    expect(p.columnValues).toEqual([null])
    expect(p.skipped).toBe(1)
    expect(p.runIds).toEqual([[[4, 5]], [[2, 3]]])
    const [acc25, params25] = p.cells[0][0]
    expect(acc25.mean).toBeCloseTo(0.93, 12)
    expect(acc25.std).toBeCloseTo(Math.SQRT2 * 0.01, 12)
    // One run has no params result: n counts the values, not the runs.
    expect(params25).toEqual({ mean: 750, std: null, n: 1, ciLow: null, ciHigh: null })
    expect(p.cells[1][0][1].mean).toBe(510)
    expect(p.mixed).toEqual([])
  })

  it('leaves out the runs that did not finish, from the count as from the mean', () => {
    const withCancelled = [...runs, run(6, 'pruned', { seed: 2, 'method.target.ratio': 0.5 }, { params: 480 }, { status: 'cancelled' })]
    const p = pivotRuns(withCancelled, { rows: 'method.target.ratio', metrics: ['params'] })
    expect(p.runIds).toEqual([[[4, 5]], [[2, 3]]])
    expect(p.cells[1][0][0]).toMatchObject({ mean: 510, n: 2 })
    expect(p.table.rows.map((r) => r.n)).toEqual([2, 2])
    expect(p.unfinished).toBe(1)
  })

  it('writes one export line per cell: row, metric mean and std, run count', () => {
    const p = pivotRuns(runs, { rows: 'method.target.ratio', metrics: ['test.accuracy'] })
    expect(p.table.columns.map((c) => c.label)).toEqual(['method.target.ratio', 'test.accuracy mean', 'test.accuracy std', 'runs'])
    expect(p.table.rows.map((r) => [r.row, r.n])).toEqual([
      [0.25, 2],
      [0.5, 2],
    ])
    expect(p.table.rows[1]['test.accuracy:mean']).toBeCloseTo(0.85, 12)
  })

  it('gives a gain its paired 95 % interval, in the cell and in the export line (METHODS.md S1)', () => {
    // Gains over the parent of seeds 0, 1, 2: +0.01, +0.02, +0.03: mean 0.02, s 0.01, half = 4.303 · 0.01 / √3.
    const gains = [0.01, 0.02, 0.03].map((g, seed) => run(10 + seed, 'pruned', { seed, 'method.target.ratio': 0.5 }, { 'gain.test.accuracy': g }))
    const p = pivotRuns(gains, { rows: 'method.target.ratio', metrics: ['gain.test.accuracy'] })
    const half = (4.303 * 0.01) / Math.sqrt(3)
    expect(p.cells[0][0][0].ciLow).toBeCloseTo(0.02 - half, 4)
    expect(p.cells[0][0][0].ciHigh).toBeCloseTo(0.02 + half, 4)
    expect(p.table.columns.map((c) => c.key)).toEqual(['row', 'gain.test.accuracy:mean', 'gain.test.accuracy:std', 'gain.test.accuracy:n', 'gain.test.accuracy:ci_low', 'gain.test.accuracy:ci_high', 'n'])
    expect(p.table.rows[0]['gain.test.accuracy:n']).toBe(3)
    expect(p.table.rows[0]['gain.test.accuracy:ci_high']).toBeCloseTo(0.02 + half, 4)
  })

  it('pivots two parameters as a matrix, leaving empty cells empty', () => {
    const grid = [
      run(1, 'student', { 'teacher.model.hidden': [64], 'model.hidden': [8] }, { 'test.accuracy': 0.8 }),
      run(2, 'student', { 'teacher.model.hidden': [64], 'model.hidden': [16] }, { 'test.accuracy': 0.85 }),
      run(3, 'student', { 'teacher.model.hidden': [128], 'model.hidden': [16] }, { 'test.accuracy': 0.87 }),
    ]
    const p = pivotRuns(grid, { rows: 'teacher.model.hidden', columns: 'model.hidden', metrics: ['test.accuracy'] })
    expect(p.rowValues).toEqual(['[64]', '[128]'])
    expect(p.columnValues).toEqual(['[8]', '[16]'])
    expect(p.cells[1][0][0]).toEqual({ mean: null, std: null, n: 0, ciLow: null, ciHigh: null })
    expect(p.cells[1][1][0].mean).toBe(0.87)
    expect(p.table.rows).toHaveLength(3)
  })

  it('names the parameters other than the seed that vary inside a cell', () => {
    const mixed = [
      run(1, 'model', { seed: 0, 'training.epochs': 1, 'training.learningRate': 0.1 }, { 'test.accuracy': 0.5 }),
      run(2, 'model', { seed: 1, 'training.epochs': 1, 'training.learningRate': 0.01 }, { 'test.accuracy': 0.6 }),
    ]
    expect(pivotRuns(mixed, { rows: 'training.epochs', metrics: ['test.accuracy'] }).mixed).toEqual(['training.learningRate'])
  })
})

describe('withDerived', () => {
  it("gives a student its teacher's settings and its gain over the student alone of the same seed", () => {
    const teacher = run(1, 'teacher', { seed: 0, 'model.hidden': [64], 'training.epochs': 3 }, { 'test.accuracy': 0.97 })
    const base0 = run(2, 'baseline', { seed: 0, 'model.hidden': [16] }, { 'test.accuracy': 0.9, 'test.loss': 0.4 })
    const base1 = run(3, 'baseline', { seed: 1, 'model.hidden': [16] }, { 'test.accuracy': 0.8 })
    const student = run(4, 'student', { seed: 1, 'model.hidden': [16], 'method.temperature': 4 }, { 'test.accuracy': 0.85, 'test.examples': 60 }, { teacherRunId: 1 })
    const [s] = withDerived([student], [teacher, base0, base1])
    expect(s.params['teacher.model.hidden']).toEqual([64])
    expect(s.params['teacher.training.epochs']).toBe(3)
    expect(s.params.experiment).toBe('exp')
    expect(s.results['gain.test.accuracy']).toBeCloseTo(0.05, 12)
    // Results without a direction (counts) get no gain.
    expect(s.results['gain.test.examples']).toBeUndefined()
  })

  it('names the teacher and the student as the teacher × student matrix does: by model, not by run', () => {
    const lenet = run(1, 'teacher', { seed: 0, 'model.arch': 'lenet5', 'model.filters': [6, 16] }, { 'test.accuracy': 0.98 })
    const student = run(2, 'student', { seed: 0, 'model.arch': 'mlp', 'model.hidden': [16], 'method.teacher': 'run #1' }, { 'test.accuracy': 0.9 }, { teacherRunId: 1 })
    const [s] = withDerived([student], [lenet])
    expect(s.params.teacher).toBe('lenet5 6-16')
    expect(s.params.student).toBe('mlp 16')
    expect(pivotRuns([s], { rows: 'teacher', columns: 'student', metrics: ['test.accuracy'] }).rowValues).toEqual(['lenet5 6-16'])
  })

  it('gives a pruned run its change against the parent and the fraction of the size it kept', () => {
    const parent = run(1, 'parent', { seed: 0 }, { 'test.accuracy': 0.95, params: 1000, macs: 2000, 'train.seconds': 4 })
    const pruned = run(2, 'pruned', { seed: 0 }, { 'test.accuracy': 0.9, params: 250, macs: 1000, 'train.seconds': 1 }, { parentRunId: 1 })
    const [p] = withDerived([pruned], [parent])
    expect(p.results['gain.test.accuracy']).toBeCloseTo(-0.05, 12)
    expect(p.results['kept.params']).toBe(0.25)
    expect(p.results['kept.macs']).toBe(0.5)
    // Only sizes and costs get a kept fraction; training time is not a property of the model.
    expect(p.results['kept.train.seconds']).toBeUndefined()
  })
})

describe('pivotAvailable', () => {
  it('offers the parameters that vary (a missing value counts) and every result', () => {
    const a = pivotAvailable([
      run(1, 'parent', { seed: 0, 'model.hidden': [16] }, { 'test.accuracy': 0.9 }),
      run(2, 'pruned', { seed: 0, 'model.hidden': [16], 'method.target.ratio': 0.5 }, { 'test.accuracy': 0.8, params: 5 }),
    ])
    expect(a.params).toEqual([
      { key: 'method.target.ratio', distinct: 2 },
      { key: 'role', distinct: 2 },
    ])
    expect(a.metrics).toEqual(['params', 'test.accuracy'])
  })
})
