/**
 * CIFAR-10 and CIFAR-100 in the binary version as distributed (Krizhevsky 2009): CIFAR-10's
 * `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin` hold records of 3,073 bytes (a label
 * byte, then the 32×32 red, green and blue planes, row-major); CIFAR-100's `train.bin` and
 * `test.bin` records of 3,074 bytes (coarse label, fine label, pixels). Pixels become NHWC floats
 * in [0, 1], then are normalised per channel by the training split (normalize.ts). A missing file,
 * a size that is not a whole number of records or a label out of range refuses the dataset, naming
 * the file; nothing is read half-way.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ImageDatasetSpec } from '../../../src-shared/spec/schema-image-data'
import { resolveDataPath } from './data-path'
import type { DataSplit, Dataset } from './dataset'
import { normalizeChannels } from './normalize'

type CifarSpec = Extract<ImageDatasetSpec, { name: 'cifar10' | 'cifar100' }>

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']
const SIDE = 32
const PLANE = SIDE * SIDE
const PIXELS = 3 * PLANE

interface Layout {
  train: string[]
  test: string[]
  recordBytes: number
  /** Offset of the label used in a record (CIFAR-100: 0 coarse, 1 fine). */
  labelByte: number
  numClasses: number
  /** A file of class names in root, one per line, when the distribution has one. */
  namesFile: string
}

function layout(spec: CifarSpec): Layout {
  if (spec.name === 'cifar10') {
    return {
      train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
      test: ['test_batch.bin'],
      recordBytes: 3073,
      labelByte: 0,
      numClasses: 10,
      namesFile: 'batches.meta.txt',
    }
  }
  const coarse = spec.labels === 'coarse'
  return {
    train: ['train.bin'],
    test: ['test.bin'],
    recordBytes: 3074,
    labelByte: coarse ? 0 : 1,
    numClasses: coarse ? 20 : 100,
    namesFile: coarse ? 'coarse_label_names.txt' : 'fine_label_names.txt',
  }
}

interface CifarFile {
  name: string
  path: string
  records: number
}

/** The files of each split with their record counts; throws naming the first file that is missing or of the wrong size. */
function cifarFiles(spec: CifarSpec, dataDir: string): { root: string; layout: Layout; train: CifarFile[]; test: CifarFile[] } {
  const root = resolveDataPath(dataDir, spec.root)
  const l = layout(spec)
  const all = [...l.train, ...l.test]
  if (!existsSync(root)) throw new Error(`the folder ${spec.root} does not exist (looked in ${root})`)
  const file = (name: string): CifarFile => {
    const path = join(root, name)
    if (!existsSync(path)) throw new Error(`${name} is missing in ${spec.root} (the binary version holds ${all.join(', ')})`)
    const size = statSync(path).size
    if (size === 0 || size % l.recordBytes !== 0) {
      throw new Error(
        `${name}: ${size.toLocaleString('en')} bytes is not a whole number of ${l.recordBytes.toLocaleString('en')}-byte records ` +
          `(is it the binary version of ${spec.name}?)`,
      )
    }
    return { name, path, records: size / l.recordBytes }
  }
  return { root, layout: l, train: l.train.map(file), test: l.test.map(file) }
}

/** Input shape, class count and training examples of a CIFAR spec, from file sizes only (launch checks). */
export function checkCifar(spec: CifarSpec, dataDir: string): { inputShape: number[]; numClasses: number; trainExamples: number } {
  const { layout: l, train } = cifarFiles(spec, dataDir)
  const records = train.reduce((a, f) => a + f.records, 0)
  return { inputShape: [SIDE, SIDE, 3], numClasses: l.numClasses, trainExamples: Math.min(records, spec.trainLimit ?? records) }
}

/** The first `limit` records of `files` as a split (NHWC floats in [0, 1]). */
function readRecords(files: CifarFile[], l: Layout, limit: number | undefined): DataSplit {
  const total = files.reduce((a, f) => a + f.records, 0)
  const n = Math.min(total, limit ?? total)
  const x = new Float32Array(n * PIXELS)
  const y = new Int32Array(n)
  const header = l.recordBytes - PIXELS
  let at = 0
  for (const f of files) {
    if (at >= n) break
    const bytes = readFileSync(f.path)
    for (let r = 0; r < f.records && at < n; r++, at++) {
      const offset = r * l.recordBytes
      const label = bytes[offset + l.labelByte]
      if (label >= l.numClasses) throw new Error(`${f.name}: record ${r + 1} has label ${label}, outside 0..${l.numClasses - 1}`)
      y[at] = label
      const out = at * PIXELS
      for (let p = 0; p < PLANE; p++) {
        for (let c = 0; c < 3; c++) x[out + p * 3 + c] = bytes[offset + header + c * PLANE + p] / 255
      }
    }
  }
  return { x, y, n }
}

function classNames(root: string, l: Layout): string[] {
  const path = join(root, l.namesFile)
  if (existsSync(path)) {
    const names = readFileSync(path, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0)
    if (names.length === l.numClasses) return names
  }
  return l.numClasses === 10 ? CIFAR10_CLASSES : Array.from({ length: l.numClasses }, (_, i) => `class ${i}`)
}

/** Loads a CIFAR dataset, normalised per channel by its training split. */
export function loadCifar(spec: CifarSpec, dataDir: string): Dataset {
  let files: ReturnType<typeof cifarFiles>
  try {
    files = cifarFiles(spec, dataDir)
  } catch (e) {
    throw new Error(`dataset ${spec.name}: ${(e as Error).message}`)
  }
  const { root, layout: l } = files
  const train = readRecords(files.train, l, spec.trainLimit)
  const test = readRecords(files.test, l, spec.testLimit)
  const normalization = normalizeChannels(train, [test], 3)
  return { name: spec.name, inputShape: [SIDE, SIDE, 3], numClasses: l.numClasses, train, test, classNames: classNames(root, l), normalization }
}
