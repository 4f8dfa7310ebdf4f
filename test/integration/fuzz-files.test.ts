/**
 * Corrupt files named by a launch: IDX files with wrong sizes or magic, CSVs with ragged rows and
 * bad cells, imported model.json files that are not models or whose weights do not fit, VOC
 * annotations with missing fields. Hand-made cases, then seeded random damage (truncation,
 * junk, flipped header bytes, a cell removed or quoted badly) to valid files. Every one is refused
 * by `experiments.validate` / `experiments.launch` (or the VOC loader) with a message that names
 * the file; nothing throws past the lab, nothing is queued. COMPLAB_FUZZ_SEED replays a run.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeIdx } from '../../src-main/engine/data/idx-format'
import { loadVocDataset } from '../../src-main/engine/data/voc'
import { createLab } from '../../src-main/lab/index'
import type { Lab } from '../../src-main/lab/types'
import { databaseDigest } from '../helpers/db-digest'
import { seededRandom, testSeed } from '../helpers/seeded-random'
import { tempDir } from '../unit/store/helpers'

const SEED = testSeed(4242)
let lab: Lab
let dir: string
let cleanup: () => void
let before: Record<string, string>

/** The first half of a file, as an interrupted download leaves it. */
const cut = (bytes: Buffer): Buffer => bytes.subarray(0, bytes.length >> 1)
const images = (n: number): Buffer => encodeIdx('images', [n, 28, 28], Uint8Array.from({ length: n * 784 }, (_, i) => (i * 7) % 256))
const labels = (n: number): Buffer => encodeIdx('labels', [n], Uint8Array.from({ length: n }, (_, i) => i % 10))
const CSV = ['a,b,class', ...Array.from({ length: 30 }, (_, i) => `${i},${(i * 3) % 7},${i % 2 ? 'yes' : 'no'}`)].join('\n') + '\n'

interface ModelFileOptions {
  /** The input shape the model declares (no batch dimension); default [inputs]. */
  inputShape?: number[]
  /** The class of its one layer (Dense unless an unknown class is wanted). */
  layerClass?: string
  /** The value every weight holds (NaN for a teacher saved from a run that diverged). */
  fill?: number
}

/** A float32 dense model.json of `units`×`inputs` + bias, as TF.js saves it, and its weights. */
function modelFiles(folder: string, inputs: number, units: number, bytes = (inputs * units + units) * 4, options: ModelFileOptions = {}): void {
  mkdirSync(join(dir, folder), { recursive: true })
  const manifest = [
    {
      paths: ['./weights.bin'],
      weights: [
        { name: 'dense/kernel', shape: [inputs, units], dtype: 'float32' },
        { name: 'dense/bias', shape: [units], dtype: 'float32' },
      ],
    },
  ]
  const layer = {
    class_name: options.layerClass ?? 'Dense',
    config: { name: 'dense', units, activation: 'linear', use_bias: true, batch_input_shape: [null, ...(options.inputShape ?? [inputs])] },
  }
  const modelTopology = { class_name: 'Sequential', config: { name: folder, layers: [layer] } }
  writeFileSync(join(dir, folder, 'model.json'), JSON.stringify({ modelTopology, format: 'layers-model', weightsManifest: manifest }))
  const weights = Buffer.alloc(bytes)
  if (options.fill !== undefined) for (let at = 0; at + 4 <= bytes; at += 4) weights.writeFloatLE(options.fill, at)
  writeFileSync(join(dir, folder, 'weights.bin'), weights)
}

beforeAll(async () => {
  ;({ dir, cleanup } = tempDir('complab-files-'))
  lab = await createLab({ dataDir: dir, schedule: false, confinePaths: true })
  before = databaseDigest(lab.dbPath)
})
afterAll(async () => {
  await lab?.stop()
  cleanup?.()
})

const idxSpec = (trainImages: string, trainLabels: string): Record<string, unknown> => ({
  name: 'files',
  dataset: { name: 'idx', trainImages, trainLabels },
  model: { arch: 'mlp', hidden: [8] },
})
const csvSpec = (path: string): Record<string, unknown> => ({
  name: 'files',
  dataset: { name: 'csv', path, label: 'class' },
  model: { arch: 'mlp', hidden: [8] },
})
const teacherSpec = (path: string): Record<string, unknown> => ({
  name: 'files',
  dataset: { name: 'mnist-10k', trainLimit: 200 },
  model: { arch: 'mlp', hidden: [8] },
  method: { kind: 'distill', temperature: 2, teacher: { source: 'import', path } },
})

/** Validates and launches `spec`; both must refuse it with one message naming `file`. */
async function expectRefusedNaming(spec: Record<string, unknown>, file: string, what: string): Promise<string> {
  const v = await lab.handle('experiments.validate', { spec })
  expect(v.ok, what).toBe(true)
  const result = (v.ok ? v.data : null) as { valid: boolean; issues: { path: string; message: string }[] }
  expect(result.valid, `${what}: ${JSON.stringify(result.issues)}`).toBe(false)
  const text = result.issues.map((i) => i.message).join('; ')
  expect(text, what).toContain(file)
  const l = await lab.handle('experiments.launch', { spec })
  expect(l.ok, what).toBe(false)
  if (!l.ok) {
    expect(l.error.code, what).toBe('invalid_input')
    expect(l.error.message, what).toContain(file)
  }
  return text
}

describe(`corrupt files (seed ${SEED})`, () => {
  it('IDX files with wrong sizes, magic or counts are refused naming the file', async () => {
    writeFileSync(join(dir, 'ok-images.idx'), images(20))
    writeFileSync(join(dir, 'ok-labels.idx'), labels(20))
    // The positive control: these two are a valid dataset.
    expect(await lab.call('experiments.validate', { spec: idxSpec('ok-images.idx', 'ok-labels.idx') })).toMatchObject({ valid: true })
    const cases: { file: string; bytes: Buffer; role: 'images' | 'labels'; says: RegExp }[] = [
      { file: 'short-images.idx', bytes: images(20).subarray(0, 16 + 784 * 5), role: 'images', says: /declares 20 images of 28×28 .* but the file has .* \(truncated\?\)/ },
      { file: 'long-labels.idx', bytes: Buffer.concat([labels(20), Buffer.alloc(7)]), role: 'labels', says: /trailing data/ },
      { file: 'swapped.idx', bytes: labels(20), role: 'images', says: /bad magic number/ },
      { file: 'empty.idx', bytes: Buffer.alloc(0), role: 'labels', says: /the file is empty/ },
      { file: 'tiny.idx', bytes: Buffer.from([0, 0, 8]), role: 'images', says: /too short/ },
      { file: 'cut-images.idx.gz', bytes: cut(gzipSync(images(20))), role: 'images', says: /cannot decompress gzip data: the file is truncated/ },
      { file: 'few-labels.idx', bytes: labels(7), role: 'labels', says: /20 images but 7 labels|7 labels|labels/ },
    ]
    for (const c of cases) {
      writeFileSync(join(dir, c.file), c.bytes)
      const spec = c.role === 'images' ? idxSpec(c.file, 'ok-labels.idx') : idxSpec('ok-images.idx', c.file)
      const text = await expectRefusedNaming(spec, c.file, c.file)
      expect(text, c.file).toMatch(c.says)
    }
  })

  it('CSVs with ragged rows, bad cells, open quotes are refused naming the file and line', async () => {
    writeFileSync(join(dir, 'ok.csv'), CSV)
    expect(await lab.call('experiments.validate', { spec: csvSpec('ok.csv') })).toMatchObject({ valid: true })
    const lines = CSV.trimEnd().split('\n')
    const cases: { file: string; text: string; says: RegExp }[] = [
      { file: 'ragged.csv', text: [...lines.slice(0, 5), '5,6', ...lines.slice(6)].join('\n'), says: /ragged\.csv, line 6: 2 fields, but the header has 3/ },
      { file: 'wide.csv', text: [...lines.slice(0, 3), '1,2,3,4', ...lines.slice(4)].join('\n'), says: /wide\.csv, line 4: 4 fields/ },
      { file: 'cell.csv', text: [...lines.slice(0, 9), 'x,1,no', ...lines.slice(10)].join('\n'), says: /cell\.csv, line 10: feature column 'a'/ },
      { file: 'quote.csv', text: [...lines.slice(0, 2), '1,"2,no', ...lines.slice(3)].join('\n'), says: /quote\.csv, line 3: a quoted field is not closed/ },
      { file: 'header-only.csv', text: 'a,b,class\n', says: /header-only\.csv: the file has a header but no rows/ },
      { file: 'blank.csv', text: '', says: /blank\.csv: the file is empty/ },
      { file: 'one-class.csv', text: ['a,b,class', '1,2,x', '3,4,x', '5,6,x'].join('\n'), says: /one-class\.csv: the label column 'class' has one class/ },
      { file: 'no-label.csv', text: ['a,b,c', '1,2,3'].join('\n'), says: /no-label\.csv: no label column 'class'/ },
    ]
    for (const c of cases) {
      writeFileSync(join(dir, c.file), c.text)
      const text = await expectRefusedNaming(csvSpec(c.file), c.file, c.file)
      expect(text, c.file).toMatch(c.says)
    }
  })

  it('imported models that are not models, or whose weights do not fit, are refused naming the file', async () => {
    modelFiles('good', 784, 10)
    const ok = await lab.call('experiments.validate', { spec: teacherSpec('good/model.json') })
    expect(ok, JSON.stringify(ok.issues)).toMatchObject({ valid: true })
    modelFiles('short', 784, 10, 1000)
    mkdirSync(join(dir, 'bad'), { recursive: true })
    writeFileSync(join(dir, 'bad', 'notjson.json'), '{"modelTopology": {')
    writeFileSync(join(dir, 'bad', 'nottopo.json'), JSON.stringify({ weightsManifest: [] }))
    writeFileSync(join(dir, 'bad', 'outside.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['../../../etc/passwd'], weights: [] }] }))
    writeFileSync(join(dir, 'bad', 'noweights.json'), JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['gone.bin'], weights: [] }] }))
    modelFiles('custom-layer', 784, 10, undefined, { layerClass: 'FancyDense' })
    modelFiles('wrong-input', 100, 10)
    modelFiles('wrong-image', 784, 10, undefined, { inputShape: [28, 28, 3] })
    modelFiles('five-outputs', 784, 5)
    modelFiles('diverged', 784, 10, undefined, { fill: Number.NaN })
    const cases: { path: string; says: RegExp }[] = [
      { path: 'custom-layer/model.json', says: /custom-layer\/model\.json: layer 1 \(dense\) is of class FancyDense, which TensorFlow\.js does not know/ },
      { path: 'wrong-input/model.json', says: /teacher model wrong-input\/model\.json does not fit the dataset: it takes inputs of shape \[100\] but the dataset's examples are \[28, 28, 1\]/ },
      { path: 'wrong-image/model.json', says: /wrong-image\/model\.json does not fit the dataset: it takes inputs of shape \[28, 28, 3\]/ },
      { path: 'five-outputs/model.json', says: /five-outputs\/model\.json does not fit the dataset: it outputs shape \[5\] but the dataset has 10 classes/ },
      { path: 'diverged/model.json', says: /diverged\/model\.json: its weights hold NaN or infinite values \(7,840 of 7,840 in dense\/kernel\)/ },
      { path: 'short/model.json', says: /short\/model\.json: weights\.bin has 1,000 bytes; its manifest needs 31,400/ },
      { path: 'bad/notjson.json', says: /bad\/notjson\.json: not valid JSON/ },
      { path: 'bad/nottopo.json', says: /bad\/nottopo\.json: not a TF\.js layers model/ },
      { path: 'bad/outside.json', says: /bad\/outside\.json: names a weight file outside its folder/ },
      { path: 'bad/noweights.json', says: /bad\/noweights\.json: its weight file gone\.bin is missing/ },
      { path: 'bad/absent.json', says: /bad\/absent\.json: file not found/ },
      { path: 'bad', says: /bad: is a folder/ },
    ]
    for (const c of cases) {
      const text = await expectRefusedNaming(teacherSpec(c.path), c.path, c.path)
      expect(text, c.path).toMatch(c.says)
    }
  })

  it('seeded random damage to valid IDX, CSV and model files is always refused naming the file', async () => {
    const rng = seededRandom(SEED)
    const goodImages = images(20)
    const goodLabels = labels(20)
    const goodModel = readFileSync(join(dir, 'good', 'weights.bin'))
    let n = 0
    for (let i = 0; i < 60; i++) {
      const kind = rng.pick(['images', 'labels', 'csv', 'weights'] as const)
      const file = `random-${i}.${kind === 'csv' ? 'csv' : kind === 'weights' ? 'bin' : 'idx'}`
      const base = kind === 'images' ? goodImages : kind === 'labels' ? goodLabels : kind === 'weights' ? goodModel : Buffer.from(CSV)
      let bytes: Buffer
      const damage = kind === 'csv' ? rng.pick(['drop-cell', 'add-cell', 'open-quote', 'letter']) : rng.pick(['truncate', 'append', 'magic', 'dims'])
      if (kind === 'csv') {
        const rows = CSV.trimEnd().split('\n')
        const r = rng.int(1, rows.length - 1)
        const cells = rows[r].split(',')
        if (damage === 'drop-cell') cells.splice(rng.int(0, 2), 1)
        else if (damage === 'add-cell') cells.push(String(rng.int(0, 9)))
        else if (damage === 'open-quote') cells[rng.int(0, 1)] = `"${cells[0]}`
        else cells[rng.int(0, 1)] = 'abc'
        rows[r] = cells.join(',')
        bytes = Buffer.from(rows.join('\n'))
      } else if (damage === 'truncate' || (kind === 'weights' && damage !== 'append')) {
        bytes = base.subarray(0, rng.int(0, base.length - 1))
      } else if (damage === 'append') {
        bytes = Buffer.concat([base, Buffer.alloc(rng.int(1, 100), 0x41)])
      } else {
        bytes = Buffer.from(base)
        // The header: the magic (bytes 0–3) or a dimension (4–15).
        const at = damage === 'magic' ? rng.int(0, 3) : rng.int(4, kind === 'labels' ? 7 : 15)
        bytes[at] = (bytes[at] + rng.int(1, 255)) % 256
      }
      let spec: Record<string, unknown>
      let named = file
      if (kind === 'weights') {
        const folder = `random-model-${i}`
        modelFiles(folder, 784, 10)
        writeFileSync(join(dir, folder, 'weights.bin'), bytes)
        named = `${folder}/model.json`
        spec = teacherSpec(named)
      } else {
        writeFileSync(join(dir, file), bytes)
        spec = kind === 'csv' ? csvSpec(file) : kind === 'images' ? idxSpec(file, 'ok-labels.idx') : idxSpec('ok-images.idx', file)
      }
      await expectRefusedNaming(spec, named, `seed ${SEED} #${i}: ${kind} ${damage}`)
      n++
    }
    expect(n).toBe(60)
    // Nothing was queued by any of it.
    expect(databaseDigest(lab.dbPath)).toEqual(before)
  })

  it('VOC annotations with missing fields are refused (or skipped with a warning) naming the file', () => {
    const voc = join(dir, 'voc')
    rmSync(voc, { recursive: true, force: true })
    mkdirSync(join(voc, 'Annotations'), { recursive: true })
    const xml = (object: string): string =>
      `<annotation><filename>x.jpg</filename><size><width>10</width><height>10</height><depth>3</depth></size>${object}</annotation>`
    const cases: { file: string; text: string; says: RegExp }[] = [
      { file: 'no-box.xml', text: xml('<object><name>cat</name></object>'), says: /Annotations\/no-box\.xml: object 1 \(cat\): bndbox is missing/ },
      { file: 'no-name.xml', text: xml('<object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'), says: /Annotations\/no-name\.xml: object 1: name is missing/ },
      { file: 'no-xmax.xml', text: xml('<object><name>dog</name><bndbox><xmin>1</xmin><ymin>1</ymin><ymax>2</ymax></bndbox></object>'), says: /Annotations\/no-xmax\.xml: .*bndbox\/xmax is missing/ },
      { file: 'nan.xml', text: xml('<object><name>dog</name><bndbox><xmin>a</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object>'), says: /Annotations\/nan\.xml: .*xmin is not a number/ },
      { file: 'wrong-root.xml', text: '<notes></notes>', says: /Annotations\/wrong-root\.xml: the root element is <notes>/ },
      { file: 'broken.xml', text: '<annotation><object>', says: /Annotations\/broken\.xml: / },
    ]
    for (const c of cases) {
      rmSync(join(voc, 'Annotations'), { recursive: true, force: true })
      mkdirSync(join(voc, 'Annotations'))
      writeFileSync(join(voc, 'Annotations', c.file), c.text)
      expect(() => loadVocDataset({ root: voc, imageSize: 32, onBroken: 'refuse' }), c.file).toThrow(c.says)
      // Skipped by default, with the same words as a warning: then no image is left to learn from.
      let message = ''
      try {
        loadVocDataset({ root: voc, imageSize: 32 })
      } catch (e) {
        message = (e as Error).message
      }
      expect(message, c.file).toMatch(/VOC: no classes|no images|empty/)
    }
  })
})
