/**
 * IDX files (LeCun's MNIST format), written small in a temp folder: a byte-exact round trip (plain
 * and gzipped, header-only reads included) and one clear, one-line error per kind of bad file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { checkIdxDataset, loadIdxDataset, type IdxDatasetSpec } from '../../../../src-main/engine/data/idx-dataset'
import { encodeIdx, readIdxHeader } from '../../../../src-main/engine/data/idx-format'

const dir = mkdtempSync(join(tmpdir(), 'complab-idx-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// 12 training images of 4×3 pixels, labels 0..2; 6 test images.
const trainPixels = Uint8Array.from({ length: 12 * 4 * 3 }, (_, i) => (i * 53) % 256)
const trainLabels = Uint8Array.from({ length: 12 }, (_, i) => i % 3)
const testPixels = Uint8Array.from({ length: 6 * 4 * 3 }, (_, i) => (i * 17 + 5) % 256)
const testLabels = Uint8Array.from([2, 1, 0, 0, 1, 2])

function write(name: string, data: Uint8Array | Buffer, gzip = false): string {
  writeFileSync(join(dir, name), gzip ? gzipSync(data) : data)
  return name
}

const spec = (over: Partial<IdxDatasetSpec>): IdxDatasetSpec => ({
  name: 'idx',
  trainImages: 'train-images.idx3-ubyte',
  trainLabels: 'train-labels.idx1-ubyte',
  testFraction: 0.25,
  splitSeed: 0,
  ...over,
})

write('train-images.idx3-ubyte', encodeIdx('images', [12, 4, 3], trainPixels))
write('train-labels.idx1-ubyte', encodeIdx('labels', [12], trainLabels))
write('t10k-images.idx3-ubyte.gz', encodeIdx('images', [6, 4, 3], testPixels), true)
write('t10k-labels.idx1-ubyte.gz', encodeIdx('labels', [6], testLabels), true)

describe('IDX datasets', () => {
  it('round-trips pixels (÷255) and labels, with gzipped test files, paths relative to dataDir', () => {
    const ds = loadIdxDataset(spec({ testImages: 't10k-images.idx3-ubyte.gz', testLabels: 't10k-labels.idx1-ubyte.gz' }), dir)
    expect(ds.inputShape).toEqual([4, 3, 1])
    expect(ds.numClasses).toBe(3)
    expect(ds.test.n).toBe(6)
    expect(Array.from(ds.test.y)).toEqual(Array.from(testLabels))
    expect(Array.from(ds.test.x)).toEqual(Array.from(testPixels, (v) => Math.fround(v / 255)))
    // The training split is the files' examples in a seeded order: same multiset of (image, label).
    const pairs = (x: Float32Array, y: Int32Array | Uint8Array, n: number): string[] =>
      Array.from({ length: n }, (_, i) => `${y[i]}:${Array.from(x.subarray(i * 12, i * 12 + 12)).join(',')}`).sort()
    const original = pairs(Float32Array.from(trainPixels, (v) => v / 255), trainLabels, 12)
    expect(pairs(ds.train.x, ds.train.y, ds.train.n)).toEqual(original)
  })

  it('splits the training files by testFraction (stratified) when no test files are given', () => {
    const ds = loadIdxDataset(spec({}), dir)
    expect(ds.train.n).toBe(9)
    expect(ds.test.n).toBe(3)
    expect(Array.from(ds.test.y).sort()).toEqual([0, 1, 2])
  })

  it('applies trainLimit', () => {
    expect(loadIdxDataset(spec({ trainLimit: 5 }), dir).train.n).toBe(5)
  })

  it('reads headers only (plain and gzip) for the launch-time checks', () => {
    expect(readIdxHeader(join(dir, 'train-images.idx3-ubyte'), 'a', 'images').dims).toEqual([12, 4, 3])
    expect(readIdxHeader(join(dir, 't10k-labels.idx1-ubyte.gz'), 'b', 'labels').count).toBe(6)
    expect(checkIdxDataset(spec({ testImages: 't10k-images.idx3-ubyte.gz', testLabels: 't10k-labels.idx1-ubyte.gz' }), dir)).toEqual([4, 3, 1])
  })

  it('names the file and the wrong magic number', () => {
    const bad = encodeIdx('labels', [12], trainLabels)
    bad.writeUInt32BE(0x00000802, 0)
    write('bad-magic-train-labels.idx1-ubyte', bad)
    const s = spec({ trainLabels: 'bad-magic-train-labels.idx1-ubyte' })
    const message = 'bad-magic-train-labels.idx1-ubyte: bad magic number 0x00000802, expected 0x00000801 (IDX labels)'
    expect(() => loadIdxDataset(s, dir)).toThrow(message)
    expect(() => checkIdxDataset(s, dir)).toThrow(message)
    write('swapped.idx', encodeIdx('labels', [12], trainLabels))
    expect(() => loadIdxDataset(spec({ trainImages: 'swapped.idx' }), dir)).toThrow(
      'swapped.idx: bad magic number 0x00000801, expected 0x00000803 (IDX images)',
    )
  })

  it('compares the declared sizes with the file length (truncated and trailing data, plain and gzip)', () => {
    const full = encodeIdx('images', [12, 4, 3], trainPixels)
    write('short.idx', full.subarray(0, full.length - 10))
    write('long.idx', Buffer.concat([full, Buffer.alloc(3)]))
    write('short.idx.gz', full.subarray(0, full.length - 10), true)
    const truncated = 'short.idx: the header declares 12 images of 4×3 (160 bytes) but the file has 150 bytes (truncated?)'
    expect(() => loadIdxDataset(spec({ trainImages: 'short.idx' }), dir)).toThrow(truncated)
    expect(() => checkIdxDataset(spec({ trainImages: 'short.idx' }), dir)).toThrow(truncated)
    expect(() => loadIdxDataset(spec({ trainImages: 'long.idx' }), dir)).toThrow(
      'long.idx: the header declares 12 images of 4×3 (160 bytes) but the file has 163 bytes (trailing data)',
    )
    expect(() => checkIdxDataset(spec({ trainImages: 'short.idx.gz' }), dir)).toThrow('short.idx.gz: the header declares 12 images')
    expect(() => loadIdxDataset(spec({ trainImages: 'short.idx.gz' }), dir)).toThrow('(truncated?)')
  })

  it('says a gzip file cut short is truncated, not "trailing data" with a size read from the cut', () => {
    // Big enough that the header read (the first 4 KiB) does not hold the whole file.
    const pixels = Uint8Array.from({ length: 300 * 28 * 28 }, (_, i) => (i * 2654435761) % 251)
    const gz = gzipSync(encodeIdx('images', [300, 28, 28], pixels))
    write('cut.idx.gz', gz.subarray(0, Math.floor(gz.length * 0.6)))
    const truncated =
      /^cut\.idx\.gz: cannot decompress gzip data: the file is truncated \(it ends before its compressed data does\); fetch or copy it again$/
    expect(() => checkIdxDataset(spec({ trainImages: 'cut.idx.gz' }), dir)).toThrow(truncated)
    expect(() => loadIdxDataset(spec({ trainImages: 'cut.idx.gz' }), dir)).toThrow(truncated)
    const flipped = Buffer.from(gz)
    flipped[gz.length - 6] ^= 0xff
    write('flipped.idx.gz', flipped)
    const damaged = /^flipped\.idx\.gz: cannot decompress gzip data: the file is damaged \(incorrect data check\); fetch or copy it again$/
    expect(() => checkIdxDataset(spec({ trainImages: 'flipped.idx.gz' }), dir)).toThrow(damaged)
    expect(() => loadIdxDataset(spec({ trainImages: 'flipped.idx.gz' }), dir)).toThrow(damaged)
  })

  it('requires as many labels as images', () => {
    write('eleven-labels.idx', encodeIdx('labels', [11], trainLabels.subarray(0, 11)))
    const message = 'train-images.idx3-ubyte has 12 images but eleven-labels.idx has 11 labels; they must match'
    expect(() => loadIdxDataset(spec({ trainLabels: 'eleven-labels.idx' }), dir)).toThrow(message)
    expect(() => checkIdxDataset(spec({ trainLabels: 'eleven-labels.idx' }), dir)).toThrow(message)
  })

  it('reports missing files, half-given test files, different image sizes, broken gzip, tiny files', () => {
    expect(() => loadIdxDataset(spec({ trainImages: 'nope.idx' }), dir)).toThrow(`nope.idx: file not found (${join(dir, 'nope.idx')})`)
    expect(() => loadIdxDataset(spec({ testImages: 't10k-images.idx3-ubyte.gz' }), dir)).toThrow(
      'idx dataset: testImages is given without testLabels; give both or neither',
    )
    write('wide.idx', encodeIdx('images', [6, 4, 2], testPixels.subarray(0, 48)))
    expect(() => checkIdxDataset(spec({ testImages: 'wide.idx', testLabels: 't10k-labels.idx1-ubyte.gz' }), dir)).toThrow(
      'wide.idx holds 4×2 images but train-images.idx3-ubyte holds 4×3; train and test images must have one size',
    )
    write('broken.gz', Buffer.concat([gzipSync(encodeIdx('labels', [12], trainLabels)).subarray(0, 20), Buffer.from('xxxxxxxxxxxx')]))
    expect(() => loadIdxDataset(spec({ trainLabels: 'broken.gz' }), dir)).toThrow(/^broken\.gz: cannot decompress gzip data/)
    write('tiny.idx', Buffer.from([0, 0]))
    expect(() => loadIdxDataset(spec({ trainLabels: 'tiny.idx' }), dir)).toThrow('tiny.idx: too short for an IDX file (2 bytes)')
    write('empty.idx', Buffer.alloc(0))
    expect(() => checkIdxDataset(spec({ trainLabels: 'empty.idx' }), dir)).toThrow('empty.idx: the file is empty')
  })

  it('gives one-line messages', () => {
    for (const over of [{ trainImages: 'short.idx' }, { trainLabels: 'broken.gz' }, { trainImages: 'nope.idx' }]) {
      expect(() => loadIdxDataset(spec(over), dir)).toThrow(/^[^\n]+$/)
    }
  })
})
