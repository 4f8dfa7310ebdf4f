/**
 * CSV datasets: a table with a header row, numeric feature columns and one class-label column.
 * Tabular examples are flat vectors (inputShape [nFeatures]), for an MLP.
 *
 * - Labels: the label column's text, trimmed; classes are numbered in sorted order of their names
 *   (so `drizzle, fog, rain, snow, sun` are 0…4 whatever the row order).
 * - Features: every cell must be a number; an empty or non-numeric cell is an error naming the
 *   file, line and column (the lab never guesses a value for a missing cell).
 * - Split: seeded, stratified by class (testFraction, splitSeed), then the optional trainLimit.
 * - Scaling (`scale`), with statistics of the training split only, so nothing of the test split
 *   leaks into training: `standard` (default) v ← (v − mean) / sd, `minmax` v ← (v − min) / (max − min),
 *   `none` as read. A constant column (sd or range 0) becomes 0. The statistics come from the whole
 *   training split before `trainLimit` (features are not labels; see `splitAndScale`).
 * No TensorFlow here: `validate.ts` checks CSV datasets through this file.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { ClassificationDatasetSpec } from '../../../src-shared/spec/schema'
import { resolveDataPath } from './data-path'
import { parseCsv, numericCell, type CsvTable } from './csv-format'
import type { DataSplit, Dataset } from './dataset'
import { takeExamples } from './dataset'
import { stratifiedSplit } from './stratified-split'

export type CsvDatasetSpec = Extract<ClassificationDatasetSpec, { name: 'csv' }>

/**
 * The file a CSV spec names: `npm:<package>/<file>` inside an installed npm package (e.g.
 * `npm:vega-datasets/data/seattle-weather.csv`), else a path (relative: in the data folder).
 */
export function resolveCsvPath(path: string, dataDir: string): string {
  const m = /^npm:((?:@[^/]+\/)?[^/]+)\/(.+)$/.exec(path)
  if (!m) return resolveDataPath(dataDir, path)
  const require = createRequire(import.meta.url)
  let root: string
  try {
    root = dirname(require.resolve(`${m[1]}/package.json`))
  } catch {
    // Packages whose `exports` hide package.json: walk up from the main entry to the package folder.
    let entry: string
    try {
      entry = require.resolve(m[1])
    } catch {
      throw new Error(`${path}: the npm package '${m[1]}' is not installed`)
    }
    root = entry.slice(0, entry.lastIndexOf(`node_modules/${m[1]}`) + `node_modules/${m[1]}`.length)
  }
  return join(root, m[2])
}

function readTable(spec: CsvDatasetSpec, dataDir: string): CsvTable {
  const file = resolveCsvPath(spec.path, dataDir)
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new Error(`${spec.path}: file not found (${file})`)
    if (code === 'EISDIR') throw new Error(`${spec.path}: is a folder, not a CSV file (${file})`)
    throw new Error(`${spec.path}: cannot read ${file} (${code ?? (e as Error).message})`)
  }
  return parseCsv(bytes, spec.path)
}

/** Column indices of the label and the features, checked against the header. */
export function csvColumns(table: CsvTable, spec: CsvDatasetSpec): { label: number; features: number[]; names: string[] } {
  const index = (name: string, role: string): number => {
    const i = table.header.indexOf(name)
    if (i < 0) throw new Error(`${spec.path}: no ${role} column '${name}' (the header has ${table.header.join(', ')})`)
    return i
  }
  const label = index(spec.label, 'label')
  const names = spec.features ?? table.header.filter((h) => h !== spec.label)
  if (names.includes(spec.label)) throw new Error(`${spec.path}: the label column '${spec.label}' is also listed as a feature`)
  if (new Set(names).size !== names.length) throw new Error(`${spec.path}: a feature column is listed twice`)
  if (names.length === 0) throw new Error(`${spec.path}: no feature columns besides the label '${spec.label}'`)
  return { label, features: names.map((n) => index(n, 'feature')), names }
}

/** Every example of the table, unscaled, with class ids in sorted order of the label texts. */
export function csvExamples(table: CsvTable, spec: CsvDatasetSpec): { all: DataSplit; features: string[]; classNames: string[] } {
  const cols = csvColumns(table, spec)
  const n = table.rows.length
  if (n === 0) throw new Error(`${spec.path}: the file has a header but no rows`)
  const d = cols.features.length
  const x = new Float32Array(n * d)
  const labels: string[] = []
  for (let r = 0; r < n; r++) {
    const row = table.rows[r]
    for (let a = 0; a < d; a++) {
      const cell = row[cols.features[a]]
      const v = numericCell(cell)
      if (v === null) {
        const problem = cell.trim() === '' ? ' is empty' : `: '${cell.trim().slice(0, 40)}' is not a number`
        throw new Error(`${spec.path}, line ${table.lines[r]}: feature column '${cols.names[a]}'${problem}`)
      }
      x[r * d + a] = v
    }
    const label = row[cols.label].trim()
    if (label === '') throw new Error(`${spec.path}, line ${table.lines[r]}: the label column '${spec.label}' is empty`)
    labels.push(label)
  }
  const classNames = [...new Set(labels)].sort()
  if (classNames.length < 2) throw new Error(`${spec.path}: the label column '${spec.label}' has one class (${classNames[0]}); a classifier needs at least 2`)
  const id = new Map(classNames.map((c, i) => [c, i]))
  const y = Int32Array.from(labels, (l) => id.get(l) as number)
  return { all: { x, y, n }, features: cols.names, classNames }
}

/** Per-feature scaling statistics of `split` and a function applying them in place (see the file comment). */
export function fitScaler(split: DataSplit, d: number, kind: CsvDatasetSpec['scale']): (x: Float32Array) => void {
  if (kind === 'none') return () => {}
  const shift = new Float64Array(d)
  const divide = new Float64Array(d)
  for (let a = 0; a < d; a++) {
    let lo = Infinity
    let hi = -Infinity
    let sum = 0
    for (let i = 0; i < split.n; i++) {
      const v = split.x[i * d + a]
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
      sum += v
    }
    const mean = sum / split.n
    let ss = 0
    for (let i = 0; i < split.n; i++) ss += (split.x[i * d + a] - mean) ** 2
    // Population sd of the training split.
    const sd = Math.sqrt(ss / split.n)
    shift[a] = kind === 'standard' ? mean : lo
    divide[a] = kind === 'standard' ? sd : hi - lo
  }
  return (x) => {
    for (let i = 0; i < x.length; i++) {
      const a = i % d
      x[i] = divide[a] > 0 ? (x[i] - shift[a]) / divide[a] : 0
    }
  }
}

function splitAndScale(spec: CsvDatasetSpec, table: CsvTable): Dataset {
  const { all, features, classNames } = csvExamples(table, spec)
  const d = features.length
  const idx = stratifiedSplit(all.y, spec.testFraction, spec.splitSeed)
  let train = takeExamples(all, idx.train, d)
  const test = takeExamples(all, idx.test, d)
  if (train.n === 0) throw new Error(`${spec.path}: the training split is empty (testFraction too large?)`)
  // Fitted before trainLimit: the features of the whole training split are known (only labels are
  // scarce), and the examples beyond the limit (unlabelled transfer sets) get the same scaling.
  const scale = fitScaler(train, d, spec.scale)
  scale(train.x)
  scale(test.x)
  if (spec.trainLimit !== undefined && spec.trainLimit < train.n) {
    const n = spec.trainLimit
    train = { x: train.x.slice(0, n * d), y: train.y.slice(0, n), n }
  }
  return { name: 'csv', inputShape: [d], numClasses: classNames.length, train, test, classNames }
}

/** Loads a CSV dataset (see the file comment for labels, split and scaling). */
export function loadCsvDataset(spec: CsvDatasetSpec, dataDir: string): Dataset {
  return splitAndScale(spec, readTable(spec, dataDir))
}

/** Parses and checks a CSV dataset without TensorFlow; returns its shape for `validate.ts`. */
export function checkCsvDataset(spec: CsvDatasetSpec, dataDir: string): { inputShape: number[]; trainExamples: number; numClasses: number } {
  const data = loadCsvDataset(spec, dataDir)
  return { inputShape: data.inputShape, trainExamples: data.train.n, numClasses: data.numClasses }
}
