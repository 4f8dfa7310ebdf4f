/**
 * PASCAL VOC folders (Everingham et al. 2010): `Annotations/*.xml` beside `JPEGImages/` (JPEG or
 * PNG; any of `JPEGImages`, `images`, or the annotation folder itself), optionally
 * `ImageSets/Main/<split>.txt` lists of image ids. Images are resized (stretched) to the model
 * input; boxes go to normalised coordinates: VOC's 1-based inclusive pixel indices become
 * xMin = (xmin − 1)/W, xMax = xmax/W (and the same in y), clipped to the image, with W and H the
 * decoded image's size. A broken image or annotation (unreadable, not JPEG/PNG, bad XML, missing
 * or non-numeric box fields, a box outside the image) is reported by file name, and skipped or
 * refuses the whole folder, as the caller chooses. Objects of classes outside `classNames` are
 * dropped with a warning.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import type { BrokenFilePolicy, DataWarning, DetectionDataset, DetectionObject, DetectionSplit } from '../detect/detection-dataset'
import { createRng, deriveSeed, shuffleInPlace } from '../random/seeded-rng'
import { decodeImage, resizeToRgb } from './image-folder-decode'
import { inputSize, reportBroken } from './image-folder'
import { parseVocAnnotation, type VocAnnotation } from './voc-xml'

/** The 20 PASCAL VOC classes, in the devkit's order. */
export const VOC_CLASSES = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
] as const

export interface VocOptions {
  /** The VOC folder (the one holding Annotations/). */
  root: string
  /** Model input height and width (square when one number). */
  imageSize: number | [number, number]
  /**
   * Class names in class-id order. Default: the 20 VOC classes when every name found is one of
   * them, otherwise the names found, sorted.
   */
  classNames?: string[]
  /** ImageSets/Main list names; default trainval/test, else train/val, when those files exist. */
  splits?: { train: string; test: string }
  /** Without image-set lists: the seeded fraction of images held out for testing (0.2). */
  testFraction?: number
  seed?: number
  onBroken?: BrokenFilePolicy
  /** At most this many images per split (the first of each list). */
  limit?: number
  name?: string
}

interface Entry {
  id: string
  xmlPath: string
}

const IMAGE_DIRS = ['JPEGImages', 'images', 'Images']
const IMAGE_EXTS = ['.jpg', '.jpeg', '.png', '.JPG', '.JPEG', '.PNG']

function readList(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((l) => l.length > 0)
}

function findImage(root: string, annotation: VocAnnotation, id: string): string | null {
  const dirs = [...IMAGE_DIRS.map((d) => join(root, d)), join(root, 'Annotations')].filter((d) => existsSync(d))
  for (const dir of dirs) {
    if (annotation.filename && existsSync(join(dir, annotation.filename))) return join(dir, annotation.filename)
    for (const ext of IMAGE_EXTS) if (existsSync(join(dir, id + ext))) return join(dir, id + ext)
  }
  return null
}

/** The train and test entries: from ImageSets/Main lists when present, else a seeded split. */
function splitEntries(o: VocOptions, all: Entry[]): { train: Entry[]; test: Entry[] } {
  const sets = join(o.root, 'ImageSets', 'Main')
  const byId = new Map(all.map((e) => [e.id, e]))
  const fromList = (name: string): Entry[] =>
    readList(join(sets, `${name}.txt`)).map((id) => byId.get(id) ?? { id, xmlPath: join(o.root, 'Annotations', `${id}.xml`) })
  const candidates = o.splits ? [o.splits] : [{ train: 'trainval', test: 'test' }, { train: 'train', test: 'val' }]
  for (const s of candidates) {
    const has = existsSync(join(sets, `${s.train}.txt`)) && existsSync(join(sets, `${s.test}.txt`))
    if (has) return { train: fromList(s.train), test: fromList(s.test) }
    if (o.splits) throw new Error(`VOC: ImageSets/Main/${s.train}.txt or ${s.test}.txt not found in ${o.root}`)
  }
  const order = Int32Array.from({ length: all.length }, (_, i) => i)
  shuffleInPlace(order, createRng(deriveSeed(o.seed ?? 0, 'voc-split')))
  const nTest = Math.round(all.length * (o.testFraction ?? 0.2))
  const test = Array.from(order.subarray(0, nTest)).sort((a, b) => a - b).map((i) => all[i])
  const train = Array.from(order.subarray(nTest)).sort((a, b) => a - b).map((i) => all[i])
  return { train, test }
}

interface Parsed {
  entry: Entry
  annotation: VocAnnotation
}

/** Loads a PASCAL VOC folder as a detection dataset. */
export function loadVocDataset(o: VocOptions): DetectionDataset {
  const [h, w] = inputSize(o.imageSize)
  const policy = o.onBroken ?? 'skip'
  const warnings: DataWarning[] = []
  const annotationsDir = join(o.root, 'Annotations')
  if (!existsSync(annotationsDir)) throw new Error(`VOC: no Annotations folder in ${o.root}`)
  const all: Entry[] = readdirSync(annotationsDir)
    .filter((f) => extname(f).toLowerCase() === '.xml')
    .sort()
    .map((f) => ({ id: basename(f, extname(f)), xmlPath: join(annotationsDir, f) }))
  const { train, test } = splitEntries(o, all)
  const limit = (list: Entry[]): Entry[] => (o.limit !== undefined ? list.slice(0, o.limit) : list)

  const parse = (entries: Entry[]): Parsed[] => {
    const out: Parsed[] = []
    for (const entry of entries) {
      const file = `Annotations/${basename(entry.xmlPath)}`
      let source: string
      try {
        source = readFileSync(entry.xmlPath, 'utf8')
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        reportBroken(policy, warnings, file, code === 'ENOENT' ? 'annotation file not found' : `cannot read the file (${code})`)
        continue
      }
      try {
        out.push({ entry, annotation: parseVocAnnotation(source) })
      } catch (e) {
        reportBroken(policy, warnings, file, (e as Error).message)
      }
    }
    return out
  }
  const parsedTrain = parse(limit(train))
  const parsedTest = parse(limit(test))

  let classNames = o.classNames
  if (!classNames) {
    const found = new Set([...parsedTrain, ...parsedTest].flatMap((p) => p.annotation.objects.map((ob) => ob.name)))
    const allVoc = found.size > 0 && [...found].every((n) => (VOC_CLASSES as readonly string[]).includes(n))
    classNames = allVoc ? [...VOC_CLASSES] : [...found].sort()
  }
  if (classNames.length === 0) throw new Error(`VOC: no classes (no objects in the annotations of ${o.root})`)
  const classIds = new Map(classNames.map((n, i) => [n, i]))

  const load = (parsed: Parsed[]): DetectionSplit => {
    const size = h * w * 3
    const images: Float32Array[] = []
    const objects: DetectionObject[][] = []
    const names: string[] = []
    for (const { entry, annotation } of parsed) {
      const xmlFile = `Annotations/${basename(entry.xmlPath)}`
      const imagePath = findImage(o.root, annotation, entry.id)
      if (!imagePath) {
        reportBroken(policy, warnings, xmlFile, `its image ${annotation.filename ?? entry.id} was not found`)
        continue
      }
      const imageFile = imagePath.slice(o.root.length).replace(/^[/\\]/, '')
      let decoded: ReturnType<typeof decodeImage>
      try {
        decoded = decodeImage(new Uint8Array(readFileSync(imagePath)))
      } catch (e) {
        reportBroken(policy, warnings, imageFile, (e as Error).message)
        continue
      }
      const W = decoded.width
      const H = decoded.height
      // A box may reach one pixel past the image (rounding in some tools); more is a broken file.
      const bad = annotation.objects.find((ob) => ob.xmin < 0 || ob.ymin < 0 || ob.xmax > W + 1 || ob.ymax > H + 1)
      if (bad) {
        const box = `(${bad.xmin}, ${bad.ymin}, ${bad.xmax}, ${bad.ymax})`
        reportBroken(policy, warnings, xmlFile, `box of ${bad.name} ${box} lies outside the ${W}×${H} image`)
        continue
      }
      const clip = (v: number): number => Math.min(1, Math.max(0, v))
      const objs: DetectionObject[] = []
      for (const ob of annotation.objects) {
        const classId = classIds.get(ob.name)
        if (classId === undefined) {
          warnings.push({ file: xmlFile, message: `object of unknown class '${ob.name}' dropped` })
          continue
        }
        objs.push({
          classId,
          difficult: ob.difficult,
          xMin: clip((ob.xmin - 1) / W),
          yMin: clip((ob.ymin - 1) / H),
          xMax: clip(ob.xmax / W),
          yMax: clip(ob.ymax / H),
        })
      }
      images.push(resizeToRgb(decoded, h, w))
      objects.push(objs)
      names.push(imageFile)
    }
    const x = new Float32Array(images.length * size)
    images.forEach((p, i) => x.set(p, i * size))
    return { x, n: images.length, objects, names }
  }

  return {
    name: o.name ?? 'voc',
    inputShape: [h, w, 3],
    numClasses: classNames.length,
    classNames: [...classNames],
    train: load(parsedTrain),
    test: load(parsedTest),
    warnings,
  }
}
