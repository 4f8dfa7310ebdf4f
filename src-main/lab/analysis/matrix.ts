/**
 * The teacher × student matrix of a distillation grid (issue 4, "teacher × student grid"): rows
 * are teachers, columns students, each cell the student's test accuracy (mean ± std over seeds)
 * and its gain over the same student trained alone (mean over seeds of the paired difference,
 * student − baseline of the same seed, in percentage points, `gains.ts`, with its 95 % interval by
 * Student's t and "n.s." where it includes zero, METHODS.md S1). A pure function of the
 * runs, served as the contract method `compare.matrix`, so the CLI, the server and the window build
 * exactly the same table.
 */
import { kindOf, metricHeader } from '../../../src-shared/stat-format'
import { meanStd, pairedDifference, type SeedPair } from '../../../src-shared/stats'
import type { MatrixKind, PivotStat } from '../../../src-shared/contract'
import type { ResultTable } from '../../../src-shared/types'
import { baselineFinder, gainOver } from './gains'
import { defaultMetric, differenceCells, differenceColumns, differenceShort, statOf, type MatrixOptions, type MatrixRun, type Row } from './matrix-cells'
import { distillNames } from './model-names'
import { seedSummary } from './seed-summary'

export { configurationLabel } from './configuration-label'
export { defaultMetric, type MatrixOptions, type MatrixRun } from './matrix-cells'
export { seedSummary } from './seed-summary'

interface Cell {
  values: number[]
  pairs: SeedPair[]
}

const seedOf = (r: MatrixRun): string => String(r.seed)

/** Values by seed (a teacher or a baseline counts once per seed, however many students use it). */
type BySeed = Map<string, Map<string, number>>

function put(map: BySeed, key: string, seed: string, value: number): void {
  const inner = map.get(key) ?? new Map<string, number>()
  inner.set(seed, value)
  map.set(key, inner)
}

/**
 * The teacher × student matrix of finished distillation runs (`role` student), their teacher runs
 * and their baselines (`role` baseline). Throws when two runs fall in one cell for one seed (the
 * selection mixes other settings, e.g. temperatures): select one configuration with `--runs`.
 */
export function teacherStudentMatrix(runs: readonly MatrixRun[], options: MatrixOptions = {}): ResultTable {
  const metric = options.metric ?? defaultMetric(runs)
  const finished = runs.filter((r) => r.status === 'finished' && Number.isFinite(r.results[metric]))
  const { teacherOf, studentOf } = distillNames(finished.filter((r) => r.role === 'teacher'))
  const baselineOf = baselineFinder(finished)
  const rows: string[] = []
  const columns: string[] = []
  const cells = new Map<string, Cell>()
  const seen = new Map<string, number>()
  const alone: BySeed = new Map()
  const teacherValues: BySeed = new Map()
  for (const r of finished) {
    if (r.role !== 'student') continue
    const ref = r.params['method.teacher']
    if (typeof ref !== 'string') continue
    const teacher = teacherOf(ref)
    const student = studentOf(r.params)
    if (!rows.includes(teacher)) rows.push(teacher)
    if (!columns.includes(student)) columns.push(student)
    const key = `${teacher}\u0000${student}`
    const slot = `${key}\u0000${seedOf(r)}`
    const other = seen.get(slot)
    if (other !== undefined) {
      throw new Error(
        `runs #${other} and #${r.id} are both ${student} taught by ${teacher} with seed ${seedOf(r)}; ` +
          'the matrix needs one configuration per teacher and student (select runs with --runs)',
      )
    }
    seen.set(slot, r.id)
    const cell = cells.get(key) ?? { values: [], pairs: [] }
    cell.values.push(r.results[metric])
    // Every distillation run reports its teacher's score (`teacher.test.accuracy`).
    const teacherValue = r.results[`teacher.${metric}`]
    if (Number.isFinite(teacherValue)) put(teacherValues, teacher, seedOf(r), teacherValue)
    const baseline = baselineOf(r)
    const gain = baseline && gainOver(r, baseline, metric)
    if (baseline && gain !== undefined) {
      cell.pairs.push({ seed: r.seed, variant: r.results[metric], baseline: baseline.results[metric] })
      put(alone, student, seedOf(r), baseline.results[metric])
    }
    cells.set(key, cell)
  }
  if (!rows.length) throw new Error('no finished distillation runs (role student) among the selected runs')

  const text = (options.cells ?? 'text') === 'text'
  const kind = kindOf(metric)
  const tableColumns: ResultTable['columns'] = [
    { key: 'teacher', label: 'teacher / student' },
    { key: 'teacher.metric', label: text ? metricHeader(metric, `teacher ${metric}`) : `teacher ${metric}` },
  ]
  for (const [i, s] of columns.entries()) {
    if (text) tableColumns.push({ key: `s${i}`, label: s })
    else {
      tableColumns.push({ key: `s${i}.mean`, label: `${s} mean` }, { key: `s${i}.std`, label: `${s} std` }, { key: `s${i}.seeds`, label: `${s} seeds` })
      tableColumns.push(...differenceColumns(metric, false, `s${i}.`, s))
    }
  }
  const statsOf = (map: BySeed, key: string): PivotStat => meanStd([...(map.get(key)?.values() ?? [])])
  const tableRows: ResultTable['rows'] = rows.map((t) => {
    const row: Row = { teacher: t }
    const ts = statsOf(teacherValues, t)
    row['teacher.metric'] = text ? statOf(kind, ts) : ts.mean
    for (const [i, s] of columns.entries()) {
      const cell = cells.get(`${t}\u0000${s}`)
      if (!cell) continue
      const v = meanStd(cell.values)
      // The gain over the student alone, paired by seed, with its 95 % interval (METHODS.md S1).
      const d = pairedDifference(cell.pairs)
      if (text) {
        const gain = differenceShort(metric, d)
        row[`s${i}`] = `${statOf(kind, v)}${gain !== null ? ` (${gain})` : ''}`
      } else {
        Object.assign(row, { [`s${i}.mean`]: v.mean, [`s${i}.std`]: v.std, [`s${i}.seeds`]: v.n }, differenceCells(metric, d, false, `s${i}.`))
      }
    }
    return row
  })
  if (alone.size) {
    const row: Row = { teacher: 'student alone', 'teacher.metric': null }
    for (const [i, s] of columns.entries()) {
      if (!alone.has(s)) continue
      const v = statsOf(alone, s)
      if (text) row[`s${i}`] = statOf(kind, v)
      else Object.assign(row, { [`s${i}.mean`]: v.mean, [`s${i}.std`]: v.std, [`s${i}.seeds`]: v.n })
    }
    tableRows.push(row)
  }
  return { columns: tableColumns, rows: tableRows }
}

/** The matrix of `kind` (the contract's `compare.matrix`); throws when the runs do not make one. */
export function matrixOf(kind: MatrixKind, runs: readonly MatrixRun[], options: MatrixOptions = {}): ResultTable {
  return kind === 'seeds' ? seedSummary(runs, options) : teacherStudentMatrix(runs, options)
}
