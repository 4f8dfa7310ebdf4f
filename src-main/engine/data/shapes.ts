/**
 * `shapes`: seeded synthetic detection images (DESIGN §4 `data`). Each image has a smooth random
 * colour gradient as background, 1..maxObjects shapes of random class, size, aspect and colour,
 * drawn in order so later shapes may occlude earlier ones (a placement is retried when it would
 * hide more than `maxOcclusion` of any shape), then Gaussian pixel noise. Boxes are the shapes'
 * exact extents. Every image comes from its own seed, derived from the dataset seed, the split and
 * its index, so the test split does not change when the training split grows.
 */
import type { DetectionDataset, DetectionObject, DetectionSplit, ImageSplit } from '../detect/detection-dataset'
import { createRng, deriveSeed, type Rng } from '../random/seeded-rng'
import { SHAPE_CLASSES, shapeCoverage } from './shapes-render'

export { SHAPE_CLASSES } from './shapes-render'

export interface ShapesOptions {
  /** Side of the square images in pixels (default 64). */
  imageSize?: number
  /** How many shape classes, the first of SHAPE_CLASSES (default 3: circle, square, triangle). */
  numClasses?: number
  trainSize?: number
  testSize?: number
  /** Extra images whose boxes are not given out (distillation with teacher terms only). */
  unlabelledSize?: number
  seed?: number
  minObjects?: number
  maxObjects?: number
  /** Shape size (mean of box width and height) as a fraction of the image side. */
  minSize?: number
  maxSize?: number
  /** Standard deviation of the Gaussian pixel noise (pixels are in [0, 1]). */
  noise?: number
  /** Largest fraction of a shape that later shapes may cover. */
  maxOcclusion?: number
}

type Resolved = Required<ShapesOptions>

const DEFAULTS: Resolved = {
  imageSize: 64,
  numClasses: 3,
  trainSize: 1000,
  testSize: 200,
  unlabelledSize: 0,
  seed: 0,
  minObjects: 1,
  maxObjects: 4,
  minSize: 0.2,
  maxSize: 0.5,
  noise: 0.04,
  maxOcclusion: 0.4,
}

function check(o: Resolved): void {
  const problems: string[] = []
  if (!Number.isInteger(o.imageSize) || o.imageSize < 8 || o.imageSize > 1024) problems.push('imageSize must be an integer in 8..1024')
  if (!Number.isInteger(o.numClasses) || o.numClasses < 1 || o.numClasses > SHAPE_CLASSES.length) {
    problems.push(`numClasses must be an integer in 1..${SHAPE_CLASSES.length}`)
  }
  for (const k of ['trainSize', 'testSize', 'unlabelledSize'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 0) problems.push(`${k} must be a non-negative integer`)
  }
  if (!Number.isInteger(o.minObjects) || !Number.isInteger(o.maxObjects) || o.minObjects < 1 || o.maxObjects < o.minObjects) {
    problems.push('need integers 1 <= minObjects <= maxObjects')
  }
  if (!(o.minSize > 0 && o.minSize <= o.maxSize && o.maxSize <= 0.9)) problems.push('need 0 < minSize <= maxSize <= 0.9')
  if (!(o.noise >= 0)) problems.push('noise must be >= 0')
  if (!(o.maxOcclusion >= 0 && o.maxOcclusion < 1)) problems.push('maxOcclusion must be in [0, 1)')
  if (problems.length) throw new Error(`shapes: ${problems.join('; ')}`)
}

function gaussian(rng: Rng): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  const u = 1 - rng.next()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next())
}

const randomColour = (rng: Rng): number[] => [rng.next(), rng.next(), rng.next()]
const colourDistance = (a: number[], b: number[]): number => Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2])

/** One image: pixels (h × w × 3) and its objects. */
export function renderShapesImage(seed: number, options: ShapesOptions = {}): { pixels: Float32Array; objects: DetectionObject[] } {
  const o: Resolved = { ...DEFAULTS, ...options }
  const rng = createRng(seed)
  const size = o.imageSize
  const pixels = new Float32Array(size * size * 3)
  // Background: a linear gradient between two colours along a random direction.
  const c0 = randomColour(rng)
  const c1 = randomColour(rng)
  const angle = rng.next() * 2 * Math.PI
  const gx = Math.cos(angle)
  const gy = Math.sin(angle)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = 0.5 + 0.5 * ((x / size - 0.5) * gx + (y / size - 0.5) * gy)
      for (let ch = 0; ch < 3; ch++) pixels[(y * size + x) * 3 + ch] = c0[ch] + (c1[ch] - c0[ch]) * t
    }
  }
  // owner[p]: index of the top-most object at pixel p (coverage ≥ ½), −1 for background.
  const owner = new Int32Array(size * size).fill(-1)
  const areas: number[] = []
  const objects: DetectionObject[] = []
  const count = rng.int(o.minObjects, o.maxObjects)
  for (let k = 0; k < count; k++) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const classId = rng.int(0, o.numClasses - 1)
      const s = o.minSize + rng.next() * (o.maxSize - o.minSize)
      const aspect = Math.exp((rng.next() - 0.5) * 0.6) // width/height in about [0.74, 1.35]
      const w = Math.min(0.95, s * Math.sqrt(aspect))
      const h = Math.min(0.95, s / Math.sqrt(aspect))
      const xMin = rng.next() * (1 - w)
      const yMin = rng.next() * (1 - h)
      const box = { xMin, yMin, xMax: xMin + w, yMax: yMin + h }
      const cover = shapeCoverage(SHAPE_CLASSES[classId], box, size)
      // Would this shape hide too much of an earlier one?
      const hidden = new Array<number>(objects.length).fill(0)
      let area = 0
      for (let p = 0; p < cover.length; p++) {
        if (cover[p] < 0.5) continue
        area++
        if (owner[p] >= 0) hidden[owner[p]]++
      }
      if (area < 4) continue
      const visible = (j: number): number => {
        let own = 0
        for (let p = 0; p < owner.length; p++) if (owner[p] === j) own++
        return (own - hidden[j]) / areas[j]
      }
      if (hidden.some((hj, j) => hj > 0 && visible(j) < 1 - o.maxOcclusion)) continue
      // A colour that stands out from the background under the shape's centre.
      const cx = Math.min(size - 1, Math.floor(((box.xMin + box.xMax) / 2) * size))
      const cy = Math.min(size - 1, Math.floor(((box.yMin + box.yMax) / 2) * size))
      const under = [0, 1, 2].map((ch) => pixels[(cy * size + cx) * 3 + ch])
      let colour = randomColour(rng)
      for (let tries = 0; tries < 10 && colourDistance(colour, under) < 0.6; tries++) colour = randomColour(rng)
      for (let p = 0; p < cover.length; p++) {
        const a = cover[p]
        if (a === 0) continue
        for (let ch = 0; ch < 3; ch++) pixels[p * 3 + ch] = pixels[p * 3 + ch] * (1 - a) + colour[ch] * a
        if (a >= 0.5) owner[p] = objects.length
      }
      areas.push(area)
      objects.push({ classId, ...box, difficult: false })
      break
    }
  }
  if (o.noise > 0) {
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, Math.max(0, pixels[i] + o.noise * gaussian(rng)))
  }
  return { pixels, objects }
}

function renderSplit(o: Resolved, part: string, n: number): DetectionSplit {
  const pixelsPer = o.imageSize * o.imageSize * 3
  const x = new Float32Array(n * pixelsPer)
  const objects: DetectionObject[][] = []
  const names: string[] = []
  for (let i = 0; i < n; i++) {
    const image = renderShapesImage(deriveSeed(o.seed, `shapes-${part}-${i}`), o)
    x.set(image.pixels, i * pixelsPer)
    objects.push(image.objects)
    names.push(`shapes-${part}-${i}`)
  }
  return { x, n, objects, names }
}

/** The `shapes` dataset: seeded train, test and (optionally) unlabelled images with boxes. */
export function generateShapes(options: ShapesOptions = {}): DetectionDataset {
  const o: Resolved = { ...DEFAULTS, ...options }
  check(o)
  const train = renderSplit(o, 'train', o.trainSize)
  const test = renderSplit(o, 'test', o.testSize)
  let unlabelled: ImageSplit | undefined
  if (o.unlabelledSize > 0) {
    const u = renderSplit(o, 'unlabelled', o.unlabelledSize)
    unlabelled = { x: u.x, n: u.n, names: u.names }
  }
  return {
    name: 'shapes',
    inputShape: [o.imageSize, o.imageSize, 3],
    numClasses: o.numClasses,
    classNames: SHAPE_CLASSES.slice(0, o.numClasses),
    train,
    test,
    ...(unlabelled ? { unlabelled } : {}),
    warnings: [],
  }
}
