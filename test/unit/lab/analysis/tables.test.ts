import { describe, expect, it } from 'vitest'
import { compareTable, differingParams, type TableRun } from '../../../../src-main/lab/analysis/tables'
import {
  latexEscape,
  renderTable,
  toCsv,
  toJson,
  toLatex,
  toMarkdown,
} from '../../../../src-main/lab/analysis/export-formats'
import { readableNumber } from '../../../../src-shared/metrics'
import type { ResultTable } from '../../../../src-shared/types'

const base = { 'dataset.name': 'mnist-10k', 'model.arch': 'mlp', 'training.epochs': 3 }

const runs: TableRun[] = [
  {
    id: 1,
    experimentName: 'kd',
    label: 'teacher mlp seed 0',
    role: 'teacher',
    status: 'finished',
    params: { role: 'teacher', ...base, 'model.hidden': [64], 'method.kind': 'train', seed: 0 },
    results: { 'test.accuracy': 0.91234, 'test.loss': 0.3, params: 50890 },
  },
  {
    id: 2,
    experimentName: 'kd',
    label: 'student T=2 seed 0',
    role: 'student',
    status: 'finished',
    params: {
      role: 'student',
      ...base,
      'model.hidden': [16],
      'method.kind': 'distill',
      'method.temperature': 2,
      seed: 0,
    },
    results: { 'test.accuracy': 0.85, 'test.loss': 0.5, params: 12730, 'test.latencyMs': 1.25 },
  },
  {
    id: 3,
    experimentName: 'kd',
    label: 'student T=4 seed 0',
    role: 'student',
    status: 'failed',
    params: {
      role: 'student',
      ...base,
      'model.hidden': [16],
      'method.kind': 'distill',
      'method.temperature': 4,
      seed: 0,
    },
    results: {},
  },
]

describe('compareTable', () => {
  it('lists only the parameters that differ, in the order they first appear', () => {
    expect(differingParams(runs)).toEqual([
      'role',
      'model.hidden',
      'method.kind',
      'method.temperature',
    ])
    expect(differingParams(runs.slice(1, 2))).toEqual([])
    expect(differingParams([])).toEqual([])
  })

  it('builds rows with fixed columns, differing params, then results', () => {
    const table = compareTable(runs)
    expect(table.columns.map((c) => c.key)).toEqual([
      'id',
      'experiment',
      'label',
      'role',
      'status',
      'model.hidden',
      'method.kind',
      'method.temperature',
      'test.accuracy',
      'test.loss',
      'params',
      'test.latencyMs',
    ])
    expect(table.columns[2]).toEqual({ key: 'label', label: 'run' })
    expect(table.rows[0]).toEqual({
      id: 1,
      experiment: 'kd',
      label: 'teacher mlp seed 0',
      role: 'teacher',
      status: 'finished',
      'model.hidden': '[64]',
      'method.kind': 'train',
      'method.temperature': null,
      'test.accuracy': 0.91234,
      'test.loss': 0.3,
      params: 50890,
      'test.latencyMs': null,
    })
    expect(table.rows[2]['test.accuracy']).toBeNull()
    expect(table.differing).toEqual(['role', 'model.hidden', 'method.kind', 'method.temperature'])
  })

  it('keys a parameter that clashes with a result column as param.<name>', () => {
    const clash = runs.slice(0, 2).map((r, i) => ({ ...r, params: { ...r.params, params: i } }))
    const table = compareTable(clash)
    expect(table.columns.find((c) => c.key === 'param.params')).toEqual({
      key: 'param.params',
      label: 'params',
    })
    expect(table.rows[1]['param.params']).toBe(1)
    expect(table.rows[1].params).toBe(12730)
  })
})

const table: ResultTable = {
  columns: [
    { key: 'id', label: 'id' },
    { key: 'label', label: 'run' },
    { key: 'note', label: 'note, "quoted"' },
    { key: 'acc', label: 'test.accuracy' },
  ],
  rows: [
    { id: 1, label: 'T=2 seed 0', note: 'a, b', acc: 0.987654 },
    { id: 2, label: 'say "hi"', note: 'line 1\nline 2', acc: null },
    { id: 3, label: '50% & $x_1^2$ {#~} \\ | pipe', note: null, acc: 1 },
  ],
}

describe('export formats', () => {
  it('csv follows RFC 4180 (CRLF, quoting, doubled quotes) and keeps every digit', () => {
    expect(toCsv(table)).toBe(
      'id,run,"note, ""quoted""",test.accuracy\r\n' +
        '1,T=2 seed 0,"a, b",0.987654\r\n' +
        '2,"say ""hi""","line 1\nline 2",\r\n' +
        '3,50% & $x_1^2$ {#~} \\ | pipe,,1\r\n',
    )
  })

  it('md is a pipe table with escaped pipes, right-aligned numbers, 4 significant digits', () => {
    expect(toMarkdown(table)).toBe(
      '| id | run | note, "quoted" | test.accuracy |\n' +
        '| ---: | --- | --- | ---: |\n' +
        '| 1 | T=2 seed 0 | a, b | 0.9877 |\n' +
        '| 2 | say "hi" | line 1<br>line 2 |  |\n' +
        '| 3 | 50% & $x_1^2$ {#~} \\\\ \\| pipe |  | 1 |\n',
    )
  })

  it('latex escapes & % _ # $ { } ~ ^ \\ in one pass', () => {
    expect(latexEscape('a\\b & 5% $x_1^2$ #{y} ~')).toBe(
      'a\\textbackslash{}b \\& 5\\% \\$x\\_1\\textasciicircum{}2\\$ \\#\\{y\\} \\textasciitilde{}',
    )
    expect(toLatex(table)).toBe(
      '% needs \\usepackage{booktabs}\n' +
        '\\begin{tabular}{rllr}\n' +
        '\\toprule\n' +
        'id & run & note, "quoted" & test.accuracy \\\\\n' +
        '\\midrule\n' +
        '1 & T=2 seed 0 & a, b & 0.9877 \\\\\n' +
        '2 & say "hi" & line 1 line 2 &  \\\\\n' +
        '3 & 50\\% \\& \\$x\\_1\\textasciicircum{}2\\$ \\{\\#\\textasciitilde{}\\} \\textbackslash{} | pipe &  & 1 \\\\\n' +
        '\\bottomrule\n' +
        '\\end{tabular}\n',
    )
  })

  it('json keeps columns and rows (keys in column order), exact values', () => {
    const parsed = JSON.parse(toJson(table)) as {
      columns: unknown
      rows: Record<string, unknown>[]
    }
    expect(parsed.columns).toEqual(table.columns)
    expect(parsed.rows[0]).toEqual({ id: 1, label: 'T=2 seed 0', note: 'a, b', acc: 0.987654 })
    expect(Object.keys(parsed.rows[2])).toEqual(['id', 'label', 'note', 'acc'])
    expect(renderTable(table, 'json')).toBe(toJson(table))
  })

  it('renders an empty table as its header', () => {
    const empty: ResultTable = { columns: [{ key: 'id', label: 'id' }], rows: [] }
    expect(toCsv(empty)).toBe('id\r\n')
    expect(toMarkdown(empty)).toBe('| id |\n| --- |\n')
    expect(toLatex(empty)).toBe(
      '% needs \\usepackage{booktabs}\n\\begin{tabular}{l}\n\\toprule\nid \\\\\n\\midrule\n\\bottomrule\n\\end{tabular}\n',
    )
  })

  it('formats numbers for reading', () => {
    expect(readableNumber(12730)).toBe('12730')
    expect(readableNumber(0.001)).toBe('0.001')
    expect(readableNumber(0.98765)).toBe('0.9877')
    expect(readableNumber(123.456)).toBe('123.5')
  })
})
