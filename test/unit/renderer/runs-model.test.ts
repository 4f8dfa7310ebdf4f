/** The runs table's model (src-renderer/views/runs-model.ts): sorting, and the gain over the student alone as a column. */
import { describe, expect, it } from 'vitest'
import type { RunSummary } from '../../../src-shared/types'
import { cellValue, columnOf, sortRuns, STUDENT_GAIN, tableOf, withGainColumn, type ParamLookup } from '../../../src-renderer/views/runs-model'

const run = (id: number, role = 'model', acc?: number): RunSummary => ({
  id,
  experimentId: 1,
  experimentName: 'e',
  key: `k${id}`,
  role,
  label: `run ${id}`,
  method: 'train',
  seed: 0,
  status: 'finished',
  error: null,
  backend: null,
  createdAt: '',
  startedAt: null,
  finishedAt: null,
  progress: null,
  results: acc === undefined ? {} : { 'test.accuracy': acc },
  tags: [],
})

describe('runs model', () => {
  it('sorts by id whether or not the rows come in order (newest first is kept as it is)', () => {
    const none: ParamLookup = new Map()
    const newest = [run(5), run(4), run(2), run(1)]
    expect(sortRuns(newest, 'id', 'desc', none).map((r) => r.id)).toEqual([5, 4, 2, 1])
    expect(sortRuns(newest, 'id', 'asc', none).map((r) => r.id)).toEqual([1, 2, 4, 5])
    expect(sortRuns([run(2), run(5), run(1)], 'id', 'desc', none).map((r) => r.id)).toEqual([5, 2, 1])
    // A copy: the store's rows are never reordered in place.
    const sorted = sortRuns(newest, 'id', 'desc', none)
    expect(sorted).not.toBe(newest)
  })

  it('reads the gain over the student alone from its lookup: a numeric column, sorted with the missing last, exported', () => {
    const rows = [run(1, 'baseline', 0.9), run(2, 'student', 0.93), run(3, 'student', 0.88), run(4, 'teacher', 0.97)]
    const gains: ParamLookup = new Map([[STUDENT_GAIN, new Map([[2, 0.03], [3, -0.02]])]])
    expect(cellValue(rows[1], 'gain', gains)).toBe(0.03)
    expect(cellValue(rows[0], 'gain', gains)).toBeNull()
    expect(columnOf('gain')).toEqual({ id: 'gain', label: 'Gain over student alone (pp)', numeric: true })
    expect(sortRuns(rows, 'gain', 'desc', gains).map((r) => r.id)).toEqual([2, 3, 1, 4])
    expect(tableOf(rows.slice(1, 3), [columnOf('id'), columnOf('gain')], gains).rows).toEqual([
      { id: 2, gain: 0.03 },
      { id: 3, gain: -0.02 },
    ])
  })

  it('puts the gain column after the test accuracy, before the tags without it, once', () => {
    expect(withGainColumn(['id', 'result:test.accuracy', 'tags'])).toEqual(['id', 'result:test.accuracy', 'gain', 'tags'])
    expect(withGainColumn(['id', 'label', 'tags'])).toEqual(['id', 'label', 'gain', 'tags'])
    expect(withGainColumn(['id', 'gain', 'tags'])).toEqual(['id', 'gain', 'tags'])
  })
})
