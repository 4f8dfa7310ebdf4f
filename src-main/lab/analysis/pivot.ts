/**
 * Sweep tables (the Sweeps view): any set of runs pivoted by one parameter (and optionally a
 * second one, as a matrix) into one or more results, each cell the mean ± sample standard
 * deviation over its runs — over the seeds, when the other parameters are held fixed.
 *
 * Before pivoting, runs get what their relatives tell about them (`withDerived`):
 * - a distilled student gets `teacher` and `student` (the teacher and the student as the teacher ×
 *   student matrix names them, `model-names.ts`: `lenet5 6-16`, `mlp 16`, not `run #16`),
 *   `teacher.model.*` / `teacher.training.*` (its teacher's settings) and `gain.<result>`:
 *   its result minus that of the student trained alone (`gains.ts`: the `baseline` run with the
 *   same student, data, training and seed, from its launch when there is one);
 * - a pruned run gets `gain.<result>` against its unpruned parent and `kept.<size>` (e.g.
 *   `kept.params` = params / parent params).
 * Pure functions only.
 */
import type { ParamValue, PivotResult } from '../../../src-shared/contract'
import { isSizeMetric } from '../../../src-shared/metrics'
import { stableStringify } from '../../../src-shared/spec/expand'
import type { ResultTable } from '../../../src-shared/types'
import { exportCell, paramText, paramValue, unionKeys, valuesDiffer } from './params'
import { baselineFinder, pairedGains } from './gains'
import { distillNames } from './model-names'
import type { AnalysisRun } from './run'
import { meanInterval } from '../../../src-shared/stats'

export type PivotRun = Pick<
  AnalysisRun,
  'id' | 'experimentId' | 'experimentName' | 'label' | 'role' | 'seed' | 'params' | 'results' | 'teacherRunId' | 'parentRunId'
> &
  Partial<Pick<AnalysisRun, 'status'>>

export interface PivotQuery {
  rows: string
  columns?: string
  metrics: string[]
}

/** Keys that name other runs or the seed: they vary within a cell by design. */
const EXPECTED_TO_VARY = new Set(['seed', 'method.teacher', 'method.parent', 'experiment'])

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/** Orders parameter values: numbers numerically, text naturally (`[16]` before `[128]`), null last. */
export function compareValues(a: ParamValue, b: ParamValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  const xs = numberList(String(a))
  const ys = numberList(String(b))
  if (xs && ys) {
    // Layer widths: [16] < [16,16] < [128], element by element.
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) if (xs[i] !== ys[i]) return xs[i] - ys[i]
    return xs.length - ys.length
  }
  return collator.compare(String(a), String(b))
}

function numberList(text: string): number[] | null {
  if (!text.startsWith('[')) return null
  try {
    const v = JSON.parse(text) as unknown
    return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : null
  } catch {
    return null
  }
}

/**
 * The runs with their derived parameters and results (see the file comment). `context` holds
 * runs they may refer to that are not themselves pivoted (teachers, parents, baselines).
 */
export function withDerived(runs: readonly PivotRun[], context: readonly PivotRun[] = []): PivotRun[] {
  const byId = new Map<number, PivotRun>()
  for (const r of [...context, ...runs]) byId.set(r.id, r)
  const baselineOf = baselineFinder(byId.values())
  const teacherIds = new Set(runs.map((r) => r.teacherRunId))
  const names = distillNames([...byId.values()].filter((r) => r.role === 'teacher' || teacherIds.has(r.id)))
  return runs.map((run) => {
    const params: Record<string, unknown> = { ...run.params, experiment: run.experimentName }
    let results: Record<string, number> = { ...run.results }
    const teacher = run.teacherRunId !== null ? byId.get(run.teacherRunId) : undefined
    if (teacher) {
      for (const [k, v] of Object.entries(teacher.params))
        if (/^(model|training)\./.test(k)) params[`teacher.${k}`] = v
    }
    const teacherRef = run.params['method.teacher']
    if (typeof teacherRef === 'string') {
      params.teacher = names.teacherOf(teacherRef)
      params.student = names.studentOf(run.params)
    }
    const baseline = run.role === 'student' ? baselineOf(run) : undefined
    if (baseline) results = { ...results, ...pairedGains(run, baseline) }
    const parent = run.parentRunId !== null ? byId.get(run.parentRunId) : undefined
    if (parent) {
      results = { ...results, ...pairedGains(run, parent) }
      for (const [k, v] of Object.entries(run.results)) {
        const p = parent.results[k]
        if (isSizeMetric(k) && Number.isFinite(v) && p !== undefined && p > 0) results[`kept.${k}`] = v / p
      }
    }
    return { ...run, params, results }
  })
}

/** Parameters that vary across `runs` (with their number of distinct values) and every result key. */
export function pivotAvailable(runs: readonly PivotRun[]): PivotResult['available'] {
  const distinct = new Map<string, Set<string>>()
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.params)) {
      let set = distinct.get(k)
      if (!set) distinct.set(k, (set = new Set()))
      set.add(stableStringify(v))
    }
  }
  // A key missing from some runs varies too (present vs absent).
  for (const [k, set] of distinct) if (runs.some((r) => !(k in r.params))) set.add(paramText(undefined))
  const params = [...distinct.entries()]
    .filter(([, set]) => set.size > 1)
    .map(([key, set]) => ({ key, distinct: set.size }))
    .sort((a, b) => collator.compare(a.key, b.key))
  const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.results)))].sort(collator.compare)
  return { params, metrics }
}

function valueOf(run: PivotRun, key: string): ParamValue | undefined {
  if (!(key in run.params)) return undefined
  return paramValue(run.params[key])
}

/** Pivots the finished `runs` by `query.rows` (× `query.columns`) into mean ± std of each metric. */
export function pivotRuns(runs: readonly PivotRun[], query: PivotQuery): Omit<PivotResult, 'available'> {
  const columnsKey = query.columns ?? null
  let skipped = 0
  let unfinished = 0
  const placed: { run: PivotRun; row: ParamValue; column: ParamValue }[] = []
  for (const run of runs) {
    // Only finished runs count: a cancelled or failed run's partial results would be averaged
    // in (or, without results, counted in the cell's runs but not in its mean).
    if (run.status !== undefined && run.status !== 'finished') {
      unfinished++
      continue
    }
    const row = valueOf(run, query.rows)
    const column = columnsKey === null ? null : valueOf(run, columnsKey)
    if (row === undefined || column === undefined) skipped++
    else placed.push({ run, row, column })
  }
  const distinctSorted = (values: ParamValue[]): ParamValue[] => {
    const seen = new Map<string, ParamValue>()
    for (const v of values) seen.set(stableStringify(v), v)
    return [...seen.values()].sort(compareValues)
  }
  const rowValues = distinctSorted(placed.map((p) => p.row))
  const columnValues = columnsKey === null ? [null] : distinctSorted(placed.map((p) => p.column))
  const rowIndex = new Map(rowValues.map((v, i) => [stableStringify(v), i]))
  const columnIndex = new Map(columnValues.map((v, i) => [stableStringify(v), i]))
  const members: PivotRun[][][] = rowValues.map(() => columnValues.map(() => []))
  for (const p of placed) {
    members[rowIndex.get(stableStringify(p.row)) as number][columnIndex.get(stableStringify(p.column)) as number].push(p.run)
  }

  const mixed = new Set<string>()
  const ignore = new Set([...EXPECTED_TO_VARY, query.rows, ...(columnsKey ? [columnsKey] : [])])
  for (const row of members) {
    for (const cell of row) {
      if (cell.length < 2) continue
      const params = cell.map((r) => r.params)
      for (const k of unionKeys(params)) {
        if (ignore.has(k) || k.startsWith('teacher.') || mixed.has(k)) continue
        if (valuesDiffer(params, k)) mixed.add(k)
      }
    }
  }

  // A `gain.<k>` cell is the mean of paired differences: its interval is METHODS.md S1's.
  const cells = members.map((row) => row.map((cell) => query.metrics.map((m) => meanInterval(cell.map((r) => r.results[m])))))
  const paired = (m: string): boolean => m.startsWith('gain.')
  const table: ResultTable = {
    columns: [
      { key: 'row', label: query.rows },
      ...(columnsKey ? [{ key: 'column', label: columnsKey }] : []),
      ...query.metrics.flatMap((m) => [
        { key: `${m}:mean`, label: `${m} mean` },
        { key: `${m}:std`, label: `${m} std` },
        ...(paired(m)
          ? [
              { key: `${m}:n`, label: `${m} n` },
              { key: `${m}:ci_low`, label: `${m} ci_low` },
              { key: `${m}:ci_high`, label: `${m} ci_high` },
            ]
          : []),
      ]),
      { key: 'n', label: 'runs' },
    ],
    rows: [],
  }
  rowValues.forEach((rv, i) => {
    columnValues.forEach((cv, j) => {
      const n = members[i][j].length
      if (n === 0) return
      const line: Record<string, string | number | null> = { row: exportCell(rv), n }
      if (columnsKey) line.column = exportCell(cv)
      query.metrics.forEach((m, k) => {
        const c = cells[i][j][k]
        line[`${m}:mean`] = c.mean
        line[`${m}:std`] = c.std
        if (paired(m)) Object.assign(line, { [`${m}:n`]: c.n, [`${m}:ci_low`]: c.ciLow, [`${m}:ci_high`]: c.ciHigh })
      })
      table.rows.push(line)
    })
  })
  return {
    rows: query.rows,
    columns: columnsKey,
    metrics: [...query.metrics],
    rowValues,
    columnValues,
    cells,
    runIds: members.map((row) => row.map((cell) => cell.map((r) => r.id))),
    table,
    skipped,
    unfinished,
    mixed: [...mixed].sort(),
  }
}
