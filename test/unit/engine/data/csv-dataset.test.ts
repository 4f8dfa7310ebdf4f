/** CSV parsing (RFC 4180), the CSV dataset (classes, split, scaling) and its one-line errors. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCsv, numericCell } from '../../../../src-main/engine/data/csv-format'
import { checkCsvDataset, fitScaler, loadCsvDataset, resolveCsvPath, type CsvDatasetSpec } from '../../../../src-main/engine/data/csv-dataset'
import { checkRunConfig } from '../../../../src-main/engine/validate'
import { distillMethodSchema, modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'

const dir = mkdtempSync(join(tmpdir(), 'complab-csv-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text)
  return name
}

const spec = (path: string, over: Partial<CsvDatasetSpec> = {}): CsvDatasetSpec => ({
  name: 'csv',
  path,
  label: 'kind',
  scale: 'standard',
  testFraction: 0.25,
  splitSeed: 0,
  ...over,
})

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; CRLF; BOM; blank lines', () => {
    const t = parseCsv('\ufeffa,b,c\r\n1,"x, y",3\r\n\r\n4,"say ""hi""","two\nlines"\n', 'f.csv')
    expect(t.header).toEqual(['a', 'b', 'c'])
    expect(t.rows).toEqual([
      ['1', 'x, y', '3'],
      ['4', 'say "hi"', 'two\nlines'],
    ])
    // Line numbers of the records' starts (the blank line 3 is skipped).
    expect(t.lines).toEqual([2, 4])
  })

  it('names the file and line of a ragged row, an open quote, a bad header', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', 'f.csv')).toThrow('f.csv, line 3: 1 fields, but the header has 2')
    expect(() => parseCsv('a,b\n1,2,5\n', 'f.csv')).toThrow('f.csv, line 2: 3 fields, but the header has 2')
    expect(() => parseCsv('a,b\n1,"2\n', 'f.csv')).toThrow('f.csv, line 2: a quoted field is not closed')
    expect(() => parseCsv('a,a\n1,2\n', 'f.csv')).toThrow("f.csv, line 1: the header names column 'a' twice")
    expect(() => parseCsv('a,\n1,2\n', 'f.csv')).toThrow('f.csv, line 1: column 2 of the header has no name')
    expect(() => parseCsv('', 'f.csv')).toThrow('f.csv: the file is empty')
  })

  it('counts lines across CRLF, CR and line breaks inside quotes; names the column of a quoting error', () => {
    const t = parseCsv('a,b\r\n"x\r\n\r\ny",1\r\n\n2,3\r4,5\n', 'f.csv')
    expect(t.rows).toEqual([
      ['x\r\n\r\ny', '1'],
      ['2', '3'],
      ['4', '5'],
    ])
    expect(t.lines).toEqual([2, 6, 7])
    expect(() => parseCsv('a,b\n"x\ny",1\n2,3,4\n', 'f.csv')).toThrow('f.csv, line 4: 3 fields, but the header has 2')
    expect(() => parseCsv('a,b\n1,"2\n3,4\n', 'f.csv')).toThrow('f.csv, line 2: a quoted field is not closed before the end of the file (it opens in column 2)')
    expect(() => parseCsv('a,b\n1,2\n3,4"\n', 'f.csv')).toThrow('f.csv, line 3: a quote inside an unquoted field in column 2')
    expect(() => parseCsv('a,b\n\n"1\n"x,2\n', 'f.csv')).toThrow('f.csv, line 3: text after the closing quote of the field in column 1')
  })

  it('numeric cells', () => {
    expect(numericCell(' 1.5 ')).toBe(1.5)
    expect(numericCell('-2e3')).toBe(-2000)
    expect(numericCell('')).toBeNull()
    expect(numericCell('abc')).toBeNull()
    expect(numericCell('NaN')).toBeNull()
    expect(numericCell('Infinity')).toBeNull()
  })
})

describe('CSV dataset', () => {
  // 8 rows, 2 classes (b, a), features f1, f2 and a text column `note`.
  const rows = ['f1,f2,note,kind']
  for (let i = 0; i < 8; i++) rows.push(`${i},${10 * i},n${i},${i % 2 ? 'b' : 'a'}`)
  const file = write('toy.csv', rows.join('\n') + '\n')

  it('maps label texts to class ids in sorted order and splits stratified', () => {
    const d = loadCsvDataset(spec(file, { features: ['f1', 'f2'], scale: 'none' }), dir)
    expect(d.name).toBe('csv')
    expect(d.inputShape).toEqual([2])
    expect(d.classNames).toEqual(['a', 'b'])
    expect(d.numClasses).toBe(2)
    expect(d.train.n).toBe(6)
    expect(d.test.n).toBe(2)
    expect([...d.test.y].sort()).toEqual([0, 1])
    // Each example keeps its row: f2 = 10·f1 and the class is f1 mod 2.
    for (let i = 0; i < d.train.n; i++) {
      expect(d.train.x[2 * i + 1]).toBe(10 * d.train.x[2 * i])
      expect(d.train.y[i]).toBe(d.train.x[2 * i] % 2)
    }
  })

  it('standardises (and min-max scales) with statistics of the training split', () => {
    const d = loadCsvDataset(spec(file, { features: ['f1', 'f2'] }), dir)
    for (const a of [0, 1]) {
      const col = Array.from(d.train.x).filter((_, i) => i % 2 === a)
      const mean = col.reduce((s, v) => s + v, 0) / col.length
      const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length)
      expect(mean).toBeCloseTo(0, 5)
      expect(sd).toBeCloseTo(1, 5)
    }
    const m = loadCsvDataset(spec(file, { features: ['f1', 'f2'], scale: 'minmax' }), dir)
    const train = Array.from(m.train.x)
    expect(Math.min(...train)).toBeCloseTo(0, 6)
    expect(Math.max(...train)).toBeCloseTo(1, 6)
  })

  it('fitScaler by hand: standard and minmax; a constant column becomes 0', () => {
    const split = { x: Float32Array.from([1, 5, 3, 5]), y: Int32Array.from([0, 1]), n: 2 }
    const x = Float32Array.from([1, 5, 3, 5, 2, 7])
    fitScaler(split, 2, 'standard')(x)
    expect(Array.from(x)).toEqual([-1, 0, 1, 0, 0, 0])
    const y = Float32Array.from([1, 5, 3, 5, 2, 7])
    fitScaler(split, 2, 'minmax')(y)
    expect(Array.from(y)).toEqual([0, 0, 1, 0, 0.5, 0])
  })

  it('trainLimit takes the first examples of the same order, scaled the same', () => {
    const all = loadCsvDataset(spec(file, { features: ['f1', 'f2'] }), dir)
    const few = loadCsvDataset(spec(file, { features: ['f1', 'f2'], trainLimit: 3 }), dir)
    expect(few.train.n).toBe(3)
    expect(Array.from(few.train.x)).toEqual(Array.from(all.train.x.slice(0, 6)))
  })

  it('a non-numeric or empty feature cell names the file, line and column', () => {
    expect(() => loadCsvDataset(spec(file), dir)).toThrow(`${file}, line 2: feature column 'note': 'n0' is not a number`)
    const holes = write('holes.csv', 'f1,kind\n1,a\n,b\n2,a\n')
    expect(() => loadCsvDataset(spec(holes), dir)).toThrow(`${holes}, line 3: feature column 'f1' is empty`)
    const ragged = write('ragged.csv', 'f1,kind\n1,a\n2\n')
    expect(() => loadCsvDataset(spec(ragged), dir)).toThrow(`${ragged}, line 3: 1 fields, but the header has 2`)
  })

  it('names a missing column, file or class problem', () => {
    expect(() => loadCsvDataset(spec(file, { label: 'class' }), dir)).toThrow(`${file}: no label column 'class' (the header has f1, f2, note, kind)`)
    expect(() => loadCsvDataset(spec(file, { features: ['f9'] }), dir)).toThrow(`${file}: no feature column 'f9'`)
    expect(() => loadCsvDataset(spec(file, { features: ['kind'] }), dir)).toThrow('is also listed as a feature')
    expect(() => loadCsvDataset(spec('missing.csv'), dir)).toThrow(`missing.csv: file not found (${join(dir, 'missing.csv')})`)
    const one = write('one.csv', 'f1,kind\n1,a\n2,a\n')
    expect(() => loadCsvDataset(spec(one), dir)).toThrow("the label column 'kind' has one class (a)")
  })

  it('resolves npm:<package>/<file> inside an installed package, and checks without TensorFlow', () => {
    expect(resolveCsvPath('npm:vega-datasets/data/seattle-weather.csv', dir)).toMatch(/node_modules\/vega-datasets\/data\/seattle-weather\.csv$/)
    expect(() => resolveCsvPath('npm:no-such-package-xyz/a.csv', dir)).toThrow("the npm package 'no-such-package-xyz' is not installed")
    expect(checkCsvDataset(spec(file, { features: ['f1', 'f2'] }), dir)).toEqual({ inputShape: [2], trainExamples: 6, numClasses: 2 })
    const config = {
      dataset: spec(file),
      model: modelSpecSchema.parse({ arch: 'mlp', hidden: [8] }),
      training: trainingSpecSchema.parse({}),
      method: { kind: 'train' as const },
      seed: 0,
    }
    expect(checkRunConfig(config, dir)).toEqual([`dataset csv: ${file}, line 2: feature column 'note': 'n0' is not a number`])
    expect(checkRunConfig({ ...config, dataset: spec(file, { features: ['f1', 'f2'] }) }, dir)).toEqual([])
    // A distillation from unlabelled examples needs examples beyond trainLimit.
    const { baseline: _b, teacher: _t, ...m } = distillMethodSchema.parse({ kind: 'distill', teacher: { source: 'run', runId: 1 }, transfer: { kind: 'unlabeled' } })
    const unlabeled = { ...config, dataset: spec(file, { features: ['f1', 'f2'] }), method: { ...m, teacher: [{ runId: 1 }] } }
    expect(checkRunConfig(unlabeled, dir)).toEqual(['method.transfer unlabeled uses the training examples beyond dataset.trainLimit: set dataset.trainLimit'])
    expect(checkRunConfig({ ...unlabeled, dataset: spec(file, { features: ['f1', 'f2'], trainLimit: 3 }) }, dir)).toEqual([])
  })

  it('reads seattle-weather.csv of vega-datasets (the MUNGE example)', () => {
    const d = loadCsvDataset(
      spec('npm:vega-datasets/data/seattle-weather.csv', { label: 'weather', features: ['precipitation', 'temp_max', 'temp_min', 'wind'], testFraction: 0.2 }),
      dir,
    )
    expect(d.classNames).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun'])
    expect(d.train.n + d.test.n).toBe(1461)
    expect(d.inputShape).toEqual([4])
  })
})
