/**
 * CIFAR-10/100 binary files and image-folder classification (issue 16 item 4), on files generated
 * in the exact formats in a temp folder: decoding (planes → NHWC), labels (fine/coarse), limits,
 * per-channel normalisation by the training split, the launch checks and their refusals (missing
 * file, wrong size, bad label, empty class folder), broken images skipped with the file named, and
 * the seeded crop/flip augmentation.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunConfig } from '../../../../src-shared/spec/expand'
import { datasetSpecSchema, modelSpecSchema, trainingSpecSchema, type DatasetSpec } from '../../../../src-shared/spec/schema'
import { loadDataset } from '../../../../src-main/engine/data/load-dataset'
import { executeRun } from '../../../../src-main/engine/run'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { gatherBatch } from '../../../../src-main/engine/train/batch-gather'
import { checkRunConfig } from '../../../../src-main/engine/validate'
import { jpegBytes, pngBytes } from '../detect/image-fixtures'
import { pruneJob, recordingSink } from '../methods/prune-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-cifar-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A record: label byte(s), then 1024 red, 1024 green, 1024 blue bytes; pixel p of plane c is (label·7 + c·50 + p) mod 256. */
function record(labels: number[], seed: number): Uint8Array {
  const r = new Uint8Array(labels.length + 3072)
  r.set(labels)
  for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) r[labels.length + c * 1024 + p] = (seed * 7 + c * 50 + p) % 256
  return r
}

function writeRecords(path: string, records: Uint8Array[]): void {
  const all = new Uint8Array(records.reduce((a, r) => a + r.length, 0))
  let at = 0
  for (const r of records) {
    all.set(r, at)
    at += r.length
  }
  writeFileSync(path, all)
}

const spec = (s: Record<string, unknown>): DatasetSpec => datasetSpecSchema.parse(s)
const config = (dataset: Record<string, unknown>, training: Record<string, unknown> = {}): RunConfig =>
  ({
    dataset: spec(dataset),
    model: modelSpecSchema.parse({ arch: 'resnet', depth: 8, widths: [4, 8, 8] }),
    training: trainingSpecSchema.parse(training),
    method: { kind: 'train' },
    seed: 0,
  }) as RunConfig

describe('cifar10 and cifar100', () => {
  const c10 = join(root, 'cifar-10-batches-bin')
  mkdirSync(c10)
  for (let b = 1; b <= 5; b++) writeRecords(join(c10, `data_batch_${b}.bin`), [0, 1].map((i) => record([(b + i) % 10], b * 2 + i)))
  writeRecords(join(c10, 'test_batch.bin'), [record([3], 40), record([9], 41)])
  const c100 = join(root, 'cifar-100-binary')
  mkdirSync(c100)
  writeRecords(join(c100, 'train.bin'), [record([4, 42], 1), record([19, 99], 2), record([0, 0], 3)])
  writeRecords(join(c100, 'test.bin'), [record([7, 70], 4)])

  it('reads CIFAR-10 records into NHWC pixels, labels in file order, normalised per channel by the training split', () => {
    const d = loadDataset(spec({ name: 'cifar10', root: 'cifar-10-batches-bin' }), root)
    expect(d.inputShape).toEqual([32, 32, 3])
    expect(d.numClasses).toBe(10)
    expect(d.classNames[0]).toBe('airplane')
    expect(d.train.n).toBe(10)
    expect(Array.from(d.train.y)).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6])
    expect(Array.from(d.test.y)).toEqual([3, 9])
    // The training split has mean 0 and sd 1 in each channel; the test split uses the same statistics.
    for (let c = 0; c < 3; c++) {
      let s = 0
      let q = 0
      for (let i = c; i < d.train.x.length; i += 3) {
        s += d.train.x[i]
        q += d.train.x[i] ** 2
      }
      const n = d.train.x.length / 3
      expect(s / n).toBeCloseTo(0, 4)
      expect(q / n).toBeCloseTo(1, 3)
    }
    const { mean, sd } = d.normalization as { mean: number[]; sd: number[] }
    // Pixel 5 (row 0, column 5) of the first test record, green plane: (40·7 + 50 + 5) mod 256 = 79.
    expect(d.test.x[5 * 3 + 1]).toBeCloseTo((79 / 255 - mean[1]) / sd[1], 5)
    const limited = loadDataset(spec({ name: 'cifar10', root: 'cifar-10-batches-bin', trainLimit: 3, testLimit: 1 }), root)
    expect([limited.train.n, limited.test.n, Array.from(limited.train.y)]).toEqual([3, 1, [1, 2, 2]])
  })

  it('reads CIFAR-100 fine or coarse labels', () => {
    const fine = loadDataset(spec({ name: 'cifar100', root: 'cifar-100-binary' }), root)
    expect([fine.numClasses, Array.from(fine.train.y), Array.from(fine.test.y)]).toEqual([100, [42, 99, 0], [70]])
    const coarse = loadDataset(spec({ name: 'cifar100', root: 'cifar-100-binary', labels: 'coarse' }), root)
    expect([coarse.numClasses, Array.from(coarse.train.y)]).toEqual([20, [4, 19, 0]])
  })

  it('refuses at launch a missing file, a file of the wrong size, naming it; a bad label when loading', () => {
    expect(checkRunConfig(config({ name: 'cifar10', root: 'cifar-10-batches-bin' }), root)).toEqual([])
    const broken = join(root, 'broken10')
    mkdirSync(broken)
    for (let b = 1; b <= 4; b++) writeRecords(join(broken, `data_batch_${b}.bin`), [record([1], b)])
    writeRecords(join(broken, 'test_batch.bin'), [record([1], 9)])
    expect(checkRunConfig(config({ name: 'cifar10', root: 'broken10' }), root)).toEqual([
      'dataset cifar10: data_batch_5.bin is missing in broken10 (the binary version holds data_batch_1.bin, data_batch_2.bin, ' +
        'data_batch_3.bin, data_batch_4.bin, data_batch_5.bin, test_batch.bin)',
    ])
    writeFileSync(join(broken, 'data_batch_5.bin'), new Uint8Array(3074))
    expect(checkRunConfig(config({ name: 'cifar10', root: 'broken10' }), root)).toEqual([
      'dataset cifar10: data_batch_5.bin: 3,074 bytes is not a whole number of 3,073-byte records (is it the binary version of cifar10?)',
    ])
    writeRecords(join(broken, 'data_batch_5.bin'), [record([1], 1), record([12], 2)])
    expect(() => loadDataset(spec({ name: 'cifar10', root: 'broken10' }), root)).toThrow('data_batch_5.bin: record 2 has label 12, outside 0..9')
  })

  it('trains a ResNet on CIFAR-10 files with the full recipe (Nesterov, warm-up, weight decay, crops and flips)', async () => {
    const recipe = { epochs: 2, batchSize: 5, optimizer: 'momentum', nesterov: true, learningRate: 0.05, lrSchedule: 'cosine', warmupEpochs: 1, weightDecay: 5e-4, augment: { cropPadding: 4, flip: true } }
    const c = config({ name: 'cifar10', root: 'cifar-10-batches-bin' }, recipe)
    expect(checkRunConfig(c, root)).toEqual([])
    const { sink, got } = recordingSink()
    await executeRun({ ...pruneJob(root, 1, c), dataDir: root }, sink)
    expect(got.logs).toContainEqual(expect.stringMatching(/^info: dataset cifar10: pixels normalised per channel by the training split: mean \[[-\d., ]+\], sd \[/))
    // The warm-up epoch ends at the base rate; cosine over the one remaining epoch starts there.
    expect(got.metrics.filter((m) => m.key === 'lr').map((m) => +m.value.toFixed(6))).toEqual([0.05, 0.05])
    expect(Number.isFinite(got.results[0]['test.accuracy'])).toBe(true)
  }, 60_000)
})

describe('image-folder', () => {
  const dir = join(root, 'pets')
  const colours: Record<string, [number, number, number]> = { cat: [200, 30, 30], dog: [30, 200, 30], emu: [30, 30, 200] }
  for (const [name, rgb] of Object.entries(colours)) {
    mkdirSync(join(dir, name), { recursive: true })
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, name, `${i}.${i % 2 ? 'png' : 'jpg'}`), i % 2 ? pngBytes(12, 10, rgb) : jpegBytes(12, 10, rgb))
  }
  writeFileSync(join(dir, 'dog', 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01]))
  writeFileSync(join(dir, 'notes.txt'), 'not a class')

  it('sorted class folders, resized images, a seeded stratified split, broken files skipped and named', () => {
    const d = loadDataset(spec({ name: 'image-folder', root: 'pets', imageSize: 8, testFraction: 0.4 }), root)
    expect(d.classNames).toEqual(['cat', 'dog', 'emu'])
    expect(d.inputShape).toEqual([8, 8, 3])
    expect([d.train.n, d.test.n]).toEqual([9, 6])
    expect(d.warnings).toEqual([{ file: 'pets/dog/broken.jpg', message: expect.stringContaining('damaged JPEG image') }])
    // Red cats: after normalisation the red channel of a cat is above the training mean, green and blue below.
    const cat = Array.from(d.train.y).indexOf(0)
    const px = d.train.x.subarray(cat * 192, cat * 192 + 3)
    expect(px[0]).toBeGreaterThan(0)
    expect(px[1]).toBeLessThan(0)
    const again = loadDataset(spec({ name: 'image-folder', root: 'pets', imageSize: 8, testFraction: 0.4 }), root)
    expect(Array.from(again.train.y)).toEqual(Array.from(d.train.y))
    expect(() => loadDataset(spec({ name: 'image-folder', root: 'pets', imageSize: 8, onBroken: 'refuse' }), root)).toThrow(
      /dataset image-folder: broken\.jpg: damaged JPEG image/,
    )
  })

  it('grey images (channels 1), a test folder, and the launch refusals', () => {
    mkdirSync(join(root, 'pets-test', 'emu'), { recursive: true })
    writeFileSync(join(root, 'pets-test', 'emu', 'a.png'), pngBytes(4, 4, [30, 30, 200]))
    const d = loadDataset(spec({ name: 'image-folder', root: 'pets', test: 'pets-test', imageSize: 8, channels: 1, trainLimit: 7 }), root)
    expect(d.inputShape).toEqual([8, 8, 1])
    expect([d.train.n, d.test.n, Array.from(d.test.y)]).toEqual([7, 1, [2]])
    expect(checkRunConfig(config({ name: 'image-folder', root: 'pets', imageSize: 16 }), root)).toEqual([])
    mkdirSync(join(root, 'pets-test', 'yak'))
    expect(checkRunConfig(config({ name: 'image-folder', root: 'pets', test: 'pets-test' }), root)).toEqual([
      'dataset image-folder: the test folder pets-test has classes the training folder lacks: yak',
    ])
    mkdirSync(join(root, 'empty-class', 'a'), { recursive: true })
    writeFileSync(join(root, 'empty-class', 'a', 'x.png'), pngBytes(4, 4, [1, 2, 3]))
    mkdirSync(join(root, 'empty-class', 'b'))
    expect(checkRunConfig(config({ name: 'image-folder', root: 'empty-class' }), root)).toEqual([
      'dataset image-folder: class folder empty-class/b has no images (JPEG/PNG)',
    ])
  })
})

describe('training.augment', () => {
  it('pads and crops by up to ±cropPadding and flips about half the images, reproducibly from the seed', () => {
    // 40 images of 1×4×1: [1, 2, 3, 4].
    const split = { x: Float32Array.from({ length: 160 }, (_, i) => (i % 4) + 1), y: new Int32Array(40), n: 40 }
    const order = Int32Array.from({ length: 40 }, (_, i) => i)
    const flipOnly = gatherBatch(split, order, 0, 40, [1, 4, 1], 0, createRng(3), { cropPadding: 0, flip: true })
    const rows = Array.from({ length: 40 }, (_, i) => Array.from(flipOnly.x.subarray(i * 4, i * 4 + 4)).join(''))
    const flipped = rows.filter((r) => r === '4321').length
    expect(rows.every((r) => r === '1234' || r === '4321')).toBe(true)
    expect(flipped).toBeGreaterThan(10)
    expect(flipped).toBeLessThan(30)
    const crop = gatherBatch(split, order, 0, 40, [1, 4, 1], 0, createRng(3), { cropPadding: 2, flip: false })
    const again = gatherBatch(split, order, 0, 40, [1, 4, 1], 0, createRng(3), { cropPadding: 2, flip: false })
    expect(Array.from(again.x)).toEqual(Array.from(crop.x))
    const shifted = Array.from({ length: 40 }, (_, i) => Array.from(crop.x.subarray(i * 4, i * 4 + 4)).join(''))
    expect(new Set(shifted).size).toBeGreaterThan(1)
    // Every crop is the row moved by at most 2 pixels, zeros shifted in.
    const allowed = ['0012', '0123', '1234', '2340', '3400', '0000']
    expect(shifted.every((r) => allowed.includes(r))).toBe(true)
  })

  it('is refused together with jitter (the same translation)', () => {
    const both = config({ name: 'cifar10', root: 'cifar-10-batches-bin' }, { jitter: 2, augment: { cropPadding: 4, flip: true } })
    expect(checkRunConfig(both, root)).toEqual(['training.jitter and training.augment.cropPadding are the same translation: set one of them'])
  })
})
