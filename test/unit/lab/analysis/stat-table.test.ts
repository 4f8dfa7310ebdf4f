/** Statistics over seeds in Markdown and LaTeX (issue 18 item 10): `72.55 ± 0.35` cells, units in headers, intervals; CSV keeps numbers. */
import { describe, expect, it } from 'vitest'
import { renderTable, toLatex } from '../../../../src-main/lab/analysis/export-formats'
import { pivotRuns, type PivotRun } from '../../../../src-main/lab/analysis/pivot'
import { readableStatistics } from '../../../../src-main/lab/analysis/stat-table'

const run = (id: number, seed: number, acc: number, gain: number): PivotRun => ({
  id,
  experimentId: 1,
  experimentName: 'e',
  label: `student T=4 seed ${seed}`,
  role: 'student',
  seed,
  params: { seed, 'method.temperature': 4 },
  results: { 'test.accuracy': acc, 'gain.test.accuracy': gain },
  teacherRunId: null,
  parentRunId: null,
})

describe('readableStatistics', () => {
  // Accuracies 0.7220, 0.7255, 0.7290 (mean 72.55, sd 0.35); gains +0.2, +0.4, +0.6 points:
  // mean +0.40, s 0.2, half = 4.303 · 0.2 / √3 = 0.4969 → [−0.10, +0.90], not significant.
  const pivot = pivotRuns([run(1, 0, 0.722, 0.002), run(2, 1, 0.7255, 0.004), run(3, 2, 0.729, 0.006)], {
    rows: 'method.temperature',
    metrics: ['test.accuracy', 'gain.test.accuracy'],
  })

  it('merges mean and std into one cell with the unit in the header, the interval and the verdict beside', () => {
    const t = readableStatistics(pivot.table)
    expect(t.columns.map((c) => c.label)).toEqual([
      'method.temperature',
      'test.accuracy (%)',
      'gain.test.accuracy (pp)',
      'gain.test.accuracy seeds',
      'gain.test.accuracy 95 % CI (pp)',
      'gain.test.accuracy significance',
      'runs',
    ])
    expect(t.rows[0]).toMatchObject({
      row: 4,
      'test.accuracy': '72.55 ± 0.35',
      'gain.test.accuracy': '+0.40 ± 0.20',
      'gain.test.accuracy:n': 3,
      'gain.test.accuracy:ci': '[−0.10, +0.90]',
      'gain.test.accuracy:significance': 'not significant with 3 seeds',
      n: 3,
    })
  })

  it('is what Markdown and LaTeX (booktabs) show, while CSV keeps every number', () => {
    const md = renderTable(pivot.table, 'md').split('\n')
    expect(md[0]).toBe('| method.temperature | test.accuracy (%) | gain.test.accuracy (pp) | gain.test.accuracy seeds | gain.test.accuracy 95 % CI (pp) | gain.test.accuracy significance | runs |')
    expect(md[1]).toBe('| ---: | ---: | ---: | ---: | ---: | --- | ---: |')
    expect(md[2]).toBe('| 4 | 72.55 ± 0.35 | +0.40 ± 0.20 | 3 | [−0.10, +0.90] | not significant with 3 seeds | 3 |')
    const tex = renderTable(pivot.table, 'latex')
    expect(tex).toContain('\\toprule')
    expect(tex).toContain('4 & 72.55 $\\pm$ 0.35 & +0.40 $\\pm$ 0.20 & 3 & [$-$0.10, +0.90] & not significant with 3 seeds & 3 \\\\')
    expect(tex).toBe(toLatex(readableStatistics(pivot.table)))
    const csv = renderTable(pivot.table, 'csv').split('\r\n')
    expect(csv[0]).toBe('method.temperature,test.accuracy mean,test.accuracy std,gain.test.accuracy mean,gain.test.accuracy std,gain.test.accuracy n,gain.test.accuracy ci_low,gain.test.accuracy ci_high,runs')
    expect(Number(csv[1].split(',')[6])).toBeCloseTo(0.004 - 0.004969, 5)
  })
})
