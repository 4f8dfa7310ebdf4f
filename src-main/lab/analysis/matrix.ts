/**
 * The teacher × student matrix of a distillation grid (issue 4, "teacher × student grid"): rows
 * are teachers, columns students, each cell the student's test accuracy (mean ± std over seeds)
 * and its gain over the same student trained alone (mean over seeds of the paired difference,
 * student − baseline of the same seed, in percentage points, `gains.ts`). A pure function of the
 * runs, served as the contract method `compare.matrix`, so the CLI, the server and the window build
 * exactly the same table.
 */
import { isPercentMetric } from '../../../src-shared/metrics'
import { stableStringify } from '../../../src-shared/spec/expand'
import { modelSpecName } from '../../../src-shared/spec/model-name'
import type { MatrixKind, PivotStat } from '../../../src-shared/contract'
import type { ResultTable } from '../../../src-shared/types'
import { baselineFinder, gainOver } from './gains'
import { distillNames, modelIdentity, modelName } from './model-names'
import type { AnalysisRun } from './run'
import { meanStd } from '../../../src-shared/stats'

/**
 * A run as the matrix reads it: every parameter (flattened, as stored), its seed and its results;
 * the label (`student T=4 seed 0`) names a configuration in the seeds summary.
 */
export type MatrixRun = Pick<AnalysisRun, 'id' | 'experimentId' | 'role' | 'status' | 'seed' | 'params' | 'results'> &
  Partial<Pick<AnalysisRun, 'label'>>

export interface MatrixOptions {
  /** The result compared (default `test.accuracy`, or `test.mAP` when only detection runs have one). */
  metric?: string
  /** Further results shown as mean ± std over seeds (`seeds` matrix), e.g. `params`, `compression`. */
  columns?: string[]
  /** `text`: one readable cell per (teacher, student); `numbers`: mean, std and gain columns. */
  cells?: 'text' | 'numbers'
}

/** A swept object value as people read it: `munge multiplier=10 p=0.5`, a teacher by its model. */
function readableValue(value: Record<string, unknown>): string {
  if (typeof value.kind === 'string') {
    const rest = Object.entries(value).filter(([k]) => k !== 'kind')
    return [value.kind, ...rest.map(([k, v]) => `${k}=${typeof v === 'object' ? stableStringify(v) : String(v)}`)].join(' ')
  }
  if (value.source === 'train' && value.model && typeof value.model === 'object') return modelSpecName(value.model as Record<string, unknown>)
  return stableStringify(value)
}

/**
 * The run's label without its seed (`student T=4 seed 2` → `student T=4`): one configuration.
 * Swept objects (`method.transfer={"kind":"munge",…}`) read as `transfer: munge multiplier=10 …`.
 */
export function configurationLabel(label: string): string {
  return label
    .replace(/\s*seed \d+$/, '')
    .split(' ')
    .map((token) => {
      const m = /^(?:method\.)?([\w.]+)=(\{.*\})$/.exec(token)
      if (!m) return token
      try {
        return `${m[1]}: ${readableValue(JSON.parse(m[2]) as Record<string, unknown>)},`
      } catch {
        return token
      }
    })
    .join(' ')
    .replace(/,$/, '')
}

const pct = (v: number): string => (v * 100).toFixed(2)

/** `93.00 ± 1.41` (one seed: `93.00`, no spread to show); null without values. */
function statText(s: PivotStat, format: (v: number) => string): string | null {
  if (s.mean === null) return null
  return s.std === null ? format(s.mean) : `${format(s.mean)} ± ${format(s.std)}`
}

/** A result as it reads: integers grouped, others with 4 significant digits. */
const plain = (v: number): string => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(4)).toString())

/** `test.accuracy`, unless no finished run has it and some have `test.mAP` (detection). */
export function defaultMetric(runs: readonly MatrixRun[]): string {
  const has = (k: string): boolean => runs.some((r) => r.status === 'finished' && Number.isFinite(r.results[k]))
  return !has('test.accuracy') && has('test.mAP') ? 'test.mAP' : 'test.accuracy'
}

const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(2)}`

interface Cell {
  values: number[]
  gains: number[]
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
    const cell = cells.get(key) ?? { values: [], gains: [] }
    cell.values.push(r.results[metric])
    // Every distillation run reports its teacher's score (`teacher.test.accuracy`).
    const teacherValue = r.results[`teacher.${metric}`]
    if (Number.isFinite(teacherValue)) put(teacherValues, teacher, seedOf(r), teacherValue)
    const baseline = baselineOf(r)
    const gain = baseline && gainOver(r, baseline, metric)
    if (baseline && gain !== undefined) {
      cell.gains.push(gain)
      put(alone, student, seedOf(r), baseline.results[metric])
    }
    cells.set(key, cell)
  }
  if (!rows.length) throw new Error('no finished distillation runs (role student) among the selected runs')

  const text = (options.cells ?? 'text') === 'text'
  const tableColumns: ResultTable['columns'] = [
    { key: 'teacher', label: 'teacher / student' },
    { key: 'teacher.metric', label: `teacher ${metric}` },
  ]
  for (const [i, s] of columns.entries()) {
    if (text) tableColumns.push({ key: `s${i}`, label: s })
    else {
      tableColumns.push({ key: `s${i}.mean`, label: `${s} mean` }, { key: `s${i}.std`, label: `${s} std` })
      tableColumns.push({ key: `s${i}.gain`, label: `${s} gain` }, { key: `s${i}.seeds`, label: `${s} seeds` })
    }
  }
  const statsOf = (map: BySeed, key: string): PivotStat => meanStd([...(map.get(key)?.values() ?? [])])
  const tableRows: ResultTable['rows'] = rows.map((t) => {
    const row: ResultTable['rows'][number] = { teacher: t }
    const ts = statsOf(teacherValues, t)
    row['teacher.metric'] = text ? statText(ts, pct) : ts.mean
    for (const [i, s] of columns.entries()) {
      const cell = cells.get(`${t}\u0000${s}`)
      if (!cell) continue
      const v = meanStd(cell.values)
      const g = meanStd(cell.gains).mean
      if (text) {
        row[`s${i}`] = `${statText(v, pct)}${g !== null ? ` (${signed(g)})` : ''}`
      } else {
        row[`s${i}.mean`] = v.mean
        row[`s${i}.std`] = v.std
        row[`s${i}.gain`] = g
        row[`s${i}.seeds`] = v.n
      }
    }
    return row
  })
  if (alone.size) {
    const row: ResultTable['rows'][number] = { teacher: 'student alone', 'teacher.metric': null }
    for (const [i, s] of columns.entries()) {
      if (!alone.has(s)) continue
      const v = statsOf(alone, s)
      if (text) row[`s${i}`] = statText(v, pct)
      else {
        row[`s${i}.mean`] = v.mean
        row[`s${i}.std`] = v.std
        row[`s${i}.seeds`] = v.n
      }
    }
    tableRows.push(row)
  }
  return { columns: tableColumns, rows: tableRows }
}

/**
 * Every configuration of a sweep over seeds (issue 4: "every configuration over several seeds,
 * compared as mean ± std"): one row per role and run label without its seed, with the mean ± std
 * over seeds of the metric and of the test errors, and for distilled students the mean paired gain
 * over the student alone of the same seed and architecture (percentage points).
 */
export function seedSummary(runs: readonly MatrixRun[], options: MatrixOptions = {}): ResultTable {
  const metric = options.metric ?? defaultMetric(runs)
  const extra = options.columns ?? []
  const finished = runs.filter((r) => r.status === 'finished' && Number.isFinite(r.results[metric]))
  if (!finished.length) throw new Error(`no finished runs with ${metric} among the selected runs`)
  const baselineOf = baselineFinder(finished)
  const manyBaselines = new Set(finished.filter((r) => r.role === 'baseline').map((r) => modelIdentity(r.params))).size > 1
  const groups = new Map<string, { role: string; name: string; values: number[]; errors: number[]; gains: number[]; extra: number[][] }>()
  for (const r of finished) {
    // Students alone of several architectures (a grid over the student) are told apart by model.
    // A plain run's label is only its seed: name it by its model and training length instead.
    const plain =
      configurationLabel(r.label ?? `run #${r.id}`) ||
      `${modelName(r.params)}${r.params['training.epochs'] !== undefined ? `, ${String(r.params['training.epochs'])} epochs` : ''}`
    const name = r.role === 'baseline' && manyBaselines && !plain.includes(modelName(r.params)) ? `${plain} (${modelName(r.params)})` : plain
    const key = `${r.role}\u0000${name}`
    const g = groups.get(key) ?? { role: r.role, name, values: [], errors: [], gains: [], extra: extra.map(() => []) }
    g.values.push(r.results[metric])
    extra.forEach((k, i) => {
      if (Number.isFinite(r.results[k])) g.extra[i].push(r.results[k])
    })
    if (Number.isFinite(r.results['test.errors'])) g.errors.push(r.results['test.errors'])
    const baseline = r.role === 'student' ? baselineOf(r) : undefined
    const gain = baseline && gainOver(r, baseline, metric)
    if (gain !== undefined) g.gains.push(gain)
    groups.set(key, g)
  }
  const text = (options.cells ?? 'text') === 'text'
  const columns: ResultTable['columns'] = text
    ? [
        { key: 'role', label: 'role' },
        { key: 'configuration', label: 'configuration' },
        { key: 'seeds', label: 'seeds' },
        { key: 'metric', label: `${metric} % (mean ± std)` },
        { key: 'errors', label: 'test errors (mean ± std)' },
        { key: 'gain', label: 'gain over alone (points)' },
        ...extra.map((k) => ({ key: `x.${k}`, label: `${k} ${isPercentMetric(k) ? '% ' : ''}(mean ± std)` })),
      ]
    : [
        { key: 'role', label: 'role' },
        { key: 'configuration', label: 'configuration' },
        { key: 'seeds', label: 'seeds' },
        { key: 'mean', label: `${metric} mean` },
        { key: 'std', label: `${metric} std` },
        { key: 'errors.mean', label: 'test.errors mean' },
        { key: 'errors.std', label: 'test.errors std' },
        { key: 'gain', label: 'gain over alone' },
        ...extra.flatMap((k) => [
          { key: `x.${k}.mean`, label: `${k} mean` },
          { key: `x.${k}.std`, label: `${k} std` },
        ]),
      ]
  const rows = [...groups.values()].map((g) => {
    const v = meanStd(g.values)
    const e = meanStd(g.errors)
    const gain = meanStd(g.gains).mean
    const row: ResultTable['rows'][number] = { role: g.role, configuration: g.name, seeds: v.n }
    if (text) {
      row.metric = statText(v, pct)
      row.errors = statText(e, (x) => x.toFixed(1))
      row.gain = gain !== null ? signed(gain) : null
      extra.forEach((k, i) => {
        row[`x.${k}`] = statText(meanStd(g.extra[i]), isPercentMetric(k) ? pct : plain)
      })
    } else {
      Object.assign(row, { mean: v.mean, std: v.std, 'errors.mean': e.mean, 'errors.std': e.std })
      row.gain = gain
      extra.forEach((k, i) => {
        const x = meanStd(g.extra[i])
        row[`x.${k}.mean`] = x.mean
        row[`x.${k}.std`] = x.std
      })
    }
    return row
  })
  // Detection runs have no test errors, pruned runs no student alone: such columns go when empty.
  const withErrors = [...groups.values()].some((g) => g.errors.length > 0)
  const withGain = [...groups.values()].some((g) => g.gains.length > 0)
  const shown = columns.filter((c) => (withErrors || !c.key.startsWith('errors')) && (withGain || c.key !== 'gain'))
  return { columns: shown, rows }
}

/** The matrix of `kind` (the contract's `compare.matrix`); throws when the runs do not make one. */
export function matrixOf(kind: MatrixKind, runs: readonly MatrixRun[], options: MatrixOptions = {}): ResultTable {
  return kind === 'seeds' ? seedSummary(runs, options) : teacherStudentMatrix(runs, options)
}
