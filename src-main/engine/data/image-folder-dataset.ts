/**
 * `image-folder` classification (issue 16 item 4): one subfolder per class under `root`, the sorted
 * folder names being the classes, JPEG/PNG images read by the image-folder reader (image-folder.ts:
 * name order, signature sniffing, bilinear resize to imageSize²), grey by ITU-R 601 luma when
 * `channels` is 1. The test split is a `test` folder with the same classes, or a seeded stratified
 * split. A broken image is reported by class/file and skipped, or refuses the run (`onBroken`); a
 * class folder with no images, or a test class the training folder lacks, refuses it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { extname, join } from 'node:path'
import type { ImageDatasetSpec } from '../../../src-shared/spec/schema-image-data'
import { createRng, shuffleInPlace } from '../random/seeded-rng'
import { resolveDataPath } from './data-path'
import { takeExamples, type DataSplit, type Dataset } from './dataset'
import { IMAGE_EXTENSIONS, loadImageFolder } from './image-folder'
import { normalizeChannels } from './normalize'
import { stratifiedSplit } from './stratified-split'

type FolderSpec = Extract<ImageDatasetSpec, { name: 'image-folder' }>

const isImage = (name: string): boolean => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase())

/** The class subfolders of a folder, sorted; throws when the folder is missing or has none. */
function classFolders(dir: string, shown: string): string[] {
  if (!existsSync(dir)) throw new Error(`the folder ${shown} does not exist (looked in ${dir})`)
  const classes = readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
  if (classes.length === 0) throw new Error(`${shown} has no class subfolders (one folder of images per class)`)
  return classes
}

/** The classes (and the test folder's, checked against them), from folder listings only. */
function folderClasses(spec: FolderSpec, dataDir: string): { classes: string[]; testClasses: string[] | null } {
  const root = resolveDataPath(dataDir, spec.root)
  const classes = classFolders(root, spec.root)
  for (const c of classes) {
    if (!readdirSync(join(root, c)).some(isImage)) throw new Error(`class folder ${spec.root}/${c} has no images (JPEG/PNG)`)
  }
  if (spec.test === undefined) return { classes, testClasses: null }
  const testClasses = classFolders(resolveDataPath(dataDir, spec.test), spec.test)
  const unknown = testClasses.filter((c) => !classes.includes(c))
  if (unknown.length) throw new Error(`the test folder ${spec.test} has classes the training folder lacks: ${unknown.join(', ')}`)
  return { classes, testClasses }
}

/** Input shape and class count of an image-folder spec (launch checks; no image is decoded). */
export function checkImageFolderDataset(spec: FolderSpec, dataDir: string): { inputShape: number[]; numClasses: number } {
  const { classes } = folderClasses(spec, dataDir)
  return { inputShape: [spec.imageSize, spec.imageSize, spec.channels], numClasses: classes.length }
}

/** RGB pixels → one luma channel (ITU-R BT.601). */
function toGrey(rgb: Float32Array): Float32Array {
  const grey = new Float32Array(rgb.length / 3)
  for (let i = 0; i < grey.length; i++) grey[i] = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2]
  return grey
}

/** Every image of the class folders under `dir` as one split, labelled by the index in `classes`. */
function readClasses(spec: FolderSpec, dir: string, shown: string, folders: string[], classes: string[], warnings: { file: string; message: string }[]): DataSplit {
  const parts: { x: Float32Array; n: number; label: number }[] = []
  for (const c of folders) {
    const { images, warnings: broken } = loadImageFolder({ dir: join(dir, c), imageSize: spec.imageSize, onBroken: spec.onBroken })
    for (const w of broken) warnings.push({ file: `${shown}/${c}/${w.file}`, message: w.message })
    if (images.n === 0) throw new Error(`class folder ${shown}/${c} has no readable images`)
    parts.push({ x: spec.channels === 1 ? toGrey(images.x) : images.x, n: images.n, label: classes.indexOf(c) })
  }
  const n = parts.reduce((a, p) => a + p.n, 0)
  const size = spec.imageSize * spec.imageSize * spec.channels
  const x = new Float32Array(n * size)
  const y = new Int32Array(n)
  let at = 0
  for (const p of parts) {
    x.set(p.x, at * size)
    y.fill(p.label, at, at + p.n)
    at += p.n
  }
  return { x, y, n }
}

/** Loads an image-folder dataset, normalised per channel by its training split. */
export function loadImageFolderDataset(spec: FolderSpec, dataDir: string): Dataset {
  const warnings: { file: string; message: string }[] = []
  const size = spec.imageSize * spec.imageSize * spec.channels
  let train: DataSplit
  let test: DataSplit
  let classes: string[]
  try {
    const found = folderClasses(spec, dataDir)
    classes = found.classes
    const all = readClasses(spec, resolveDataPath(dataDir, spec.root), spec.root, classes, classes, warnings)
    let trainIdx: Int32Array
    if (found.testClasses && spec.test !== undefined) {
      test = readClasses(spec, resolveDataPath(dataDir, spec.test), spec.test, found.testClasses, classes, warnings)
      trainIdx = shuffleInPlace(Int32Array.from({ length: all.n }, (_, i) => i), createRng(spec.splitSeed))
    } else {
      const parts = stratifiedSplit(all.y, spec.testFraction, spec.splitSeed)
      test = takeExamples(all, parts.test, size)
      trainIdx = parts.train
    }
    train = takeExamples(all, spec.trainLimit !== undefined ? trainIdx.subarray(0, spec.trainLimit) : trainIdx, size)
  } catch (e) {
    throw new Error(`dataset image-folder: ${(e as Error).message}`)
  }
  const normalization = normalizeChannels(train, [test], spec.channels)
  return {
    name: 'image-folder',
    inputShape: [spec.imageSize, spec.imageSize, spec.channels],
    numClasses: classes.length,
    train,
    test,
    classNames: classes,
    normalization,
    warnings,
  }
}
