/**
 * IDX datasets (MNIST, Fashion-MNIST, KMNIST … in LeCun's format): train files, and test files or a
 * seeded stratified split of the train files. Pixels are scaled from 0..255 to [0, 1].
 */
import type { ClassificationDatasetSpec } from '../../../src-shared/spec/schema'
import { createRng, shuffleInPlace } from '../random/seeded-rng'
import { resolveDataPath } from './data-path'
import type { DataSplit, Dataset } from './dataset'
import { takeExamples } from './dataset'
import { type IdxHeader, readIdxFile, readIdxHeader } from './idx-format'
import { stratifiedSplit } from './stratified-split'

export type IdxDatasetSpec = Extract<ClassificationDatasetSpec, { name: 'idx' }>

interface IdxPair {
  images: string
  labels: string
}

function pairs(spec: IdxDatasetSpec): { train: IdxPair; test: IdxPair | null } {
  if ((spec.testImages === undefined) !== (spec.testLabels === undefined)) {
    const given = spec.testImages !== undefined ? 'testImages' : 'testLabels'
    const missing = given === 'testImages' ? 'testLabels' : 'testImages'
    throw new Error(`idx dataset: ${given} is given without ${missing}; give both or neither`)
  }
  return {
    train: { images: spec.trainImages, labels: spec.trainLabels },
    test: spec.testImages && spec.testLabels ? { images: spec.testImages, labels: spec.testLabels } : null,
  }
}

function checkPair(images: IdxHeader, labels: IdxHeader, pair: IdxPair): void {
  if (images.count !== labels.count) {
    throw new Error(
      `${pair.images} has ${images.count} images but ${pair.labels} has ${labels.count} labels; they must match`,
    )
  }
}

function checkSameSize(train: IdxHeader, test: IdxHeader, names: { train: string; test: string }): void {
  if (train.dims[1] !== test.dims[1] || train.dims[2] !== test.dims[2]) {
    throw new Error(
      `${names.test} holds ${test.dims[1]}×${test.dims[2]} images but ${names.train} holds ` +
        `${train.dims[1]}×${train.dims[2]}; train and test images must have one size`,
    )
  }
}

/**
 * Header-level checks of an IDX dataset spec (files exist, magic numbers, declared sizes, counts,
 * image sizes); cheap, no data is decoded. Returns the image shape [rows, cols, 1].
 */
export function checkIdxDataset(spec: IdxDatasetSpec, dataDir: string): number[] {
  const { train, test } = pairs(spec)
  const ti = readIdxHeader(resolveDataPath(dataDir, train.images), train.images, 'images')
  const tl = readIdxHeader(resolveDataPath(dataDir, train.labels), train.labels, 'labels')
  checkPair(ti, tl, train)
  if (test) {
    const si = readIdxHeader(resolveDataPath(dataDir, test.images), test.images, 'images')
    const sl = readIdxHeader(resolveDataPath(dataDir, test.labels), test.labels, 'labels')
    checkPair(si, sl, test)
    checkSameSize(ti, si, { train: train.images, test: test.images })
  }
  return [ti.dims[1], ti.dims[2], 1]
}

/**
 * The class count a loaded dataset will have (largest label + 1, train and test labels), reading
 * only the label files; for the launch check of an imported model's output width.
 */
export function idxClassCount(spec: IdxDatasetSpec, dataDir: string): number {
  const { train, test } = pairs(spec)
  let maxLabel = 0
  for (const labels of test ? [train.labels, test.labels] : [train.labels]) {
    const { values } = readIdxFile(resolveDataPath(dataDir, labels), labels, 'labels')
    for (const v of values) maxLabel = Math.max(maxLabel, v)
  }
  return maxLabel + 1
}

function readSplit(pair: IdxPair, dataDir: string): { split: DataSplit; header: IdxHeader } {
  const images = readIdxFile(resolveDataPath(dataDir, pair.images), pair.images, 'images')
  const labels = readIdxFile(resolveDataPath(dataDir, pair.labels), pair.labels, 'labels')
  checkPair(images.header, labels.header, pair)
  const x = new Float32Array(images.values.length)
  for (let i = 0; i < x.length; i++) x[i] = images.values[i] / 255
  const y = Int32Array.from(labels.values)
  return { split: { x, y, n: images.header.count }, header: images.header }
}

/** Loads an IDX dataset (reading and decoding every file). */
export function loadIdxDataset(spec: IdxDatasetSpec, dataDir: string): Dataset {
  const { train: trainPair, test: testPair } = pairs(spec)
  const train = readSplit(trainPair, dataDir)
  const features = train.header.dims[1] * train.header.dims[2]
  let trainSplit: DataSplit
  let testSplit: DataSplit
  if (testPair) {
    const test = readSplit(testPair, dataDir)
    checkSameSize(train.header, test.header, { train: trainPair.images, test: testPair.images })
    // Seeded order so that `trainLimit` takes a random subset, as for mnist-10k.
    const order = shuffleInPlace(
      Int32Array.from({ length: train.split.n }, (_, i) => i),
      createRng(spec.splitSeed),
    )
    trainSplit = takeExamples(train.split, order, features)
    testSplit = test.split
  } else {
    const idx = stratifiedSplit(train.split.y, spec.testFraction, spec.splitSeed)
    trainSplit = takeExamples(train.split, idx.train, features)
    testSplit = takeExamples(train.split, idx.test, features)
  }
  if (spec.trainLimit !== undefined && spec.trainLimit < trainSplit.n) {
    const n = spec.trainLimit
    trainSplit = { x: trainSplit.x.slice(0, n * features), y: trainSplit.y.slice(0, n), n }
  }
  let maxLabel = 0
  for (const s of [train.split, testSplit]) for (let i = 0; i < s.n; i++) maxLabel = Math.max(maxLabel, s.y[i])
  const numClasses = maxLabel + 1
  if (numClasses < 2) throw new Error(`${trainPair.labels}: every label is 0; a classifier needs at least 2 classes`)
  return {
    name: 'idx',
    inputShape: [train.header.dims[1], train.header.dims[2], 1],
    numClasses,
    train: trainSplit,
    test: testSplit,
    classNames: Array.from({ length: numClasses }, (_, i) => String(i)),
  }
}
