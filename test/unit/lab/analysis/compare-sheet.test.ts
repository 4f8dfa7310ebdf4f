/** The compare sheet: every parameter with the differing ones flagged ("only what differs"), best results marked. */
import { describe, expect, it } from 'vitest'
import { bestRuns, compareSheet, type SheetRun } from '../../../../src-main/lab/analysis/compare-sheet'

const base = { experimentName: 'kd', method: 'distill', status: 'finished' as const }
const runs: SheetRun[] = [
  { ...base, id: 3, label: 'student T=1', role: 'student', seed: 0, params: { role: 'student', 'method.temperature': 1, 'model.hidden': [16], seed: 0 }, results: { 'test.accuracy': 0.9, 'test.loss': 0.3, epochs: 2 } },
  { ...base, id: 4, label: 'student T=4', role: 'student', seed: 0, params: { role: 'student', 'method.temperature': 4, 'model.hidden': [16], seed: 0 }, results: { 'test.accuracy': 0.93, 'test.loss': 0.3, epochs: 2 } },
  { ...base, id: 2, label: 'student alone', role: 'baseline', seed: 0, params: { role: 'baseline', 'model.hidden': [16], seed: 0 }, results: { 'test.accuracy': 0.93, 'test.loss': 0.35, epochs: 2 } },
]

describe('compareSheet', () => {
  it('flags exactly the parameters that differ (a missing value differs), keeping run order', () => {
    const sheet = compareSheet(runs, ['val.accuracy', 'train.loss'])
    expect(sheet.runs.map((r) => r.id)).toEqual([3, 4, 2])
    const differing = sheet.params.filter((p) => p.differs).map((p) => p.key)
    expect(differing).toEqual(['role', 'method.temperature'])
    const temperature = sheet.params.find((p) => p.key === 'method.temperature')
    expect(temperature?.values).toEqual([1, 4, null])
    // Arrays read as JSON text, as in the exports.
    expect(sheet.params.find((p) => p.key === 'model.hidden')?.values).toEqual(['[16]', '[16]', '[16]'])
    expect(sheet.metricKeys).toEqual(['train.loss', 'val.accuracy'])
  })

  it('marks the best run of each result by its direction, ties included, none when all are equal', () => {
    const sheet = compareSheet(runs)
    const result = (key: string): (typeof sheet.results)[number] | undefined => sheet.results.find((r) => r.key === key)
    expect(sheet.results.map((r) => r.key)).toEqual(['test.accuracy', 'test.loss', 'epochs'])
    expect(result('test.accuracy')).toMatchObject({ better: 'higher', best: [4, 2] })
    expect(result('test.loss')).toMatchObject({ better: 'lower', best: [3, 4] })
    expect(result('epochs')).toMatchObject({ better: null, best: [] })
  })

  it('marks nothing for a single run or identical values', () => {
    expect(bestRuns([1], [0.9], 'test.accuracy')).toEqual([])
    expect(bestRuns([1, 2], [0.9, 0.9], 'test.accuracy')).toEqual([])
    expect(bestRuns([1, 2, 3], [0.9, null, 0.8], 'test.accuracy')).toEqual([1])
  })
})
