/** The `shapes` detection dataset: determinism, split independence, valid boxes, options. */
import { describe, expect, it } from 'vitest'
import { generateShapes, renderShapesImage, SHAPE_CLASSES } from '../../../../src-main/engine/data/shapes'
import { insideShape } from '../../../../src-main/engine/data/shapes-render'

const small = { imageSize: 32, trainSize: 12, testSize: 6, seed: 5 }

describe('shapes', () => {
  it('is deterministic from its seed, and seeds differ', () => {
    const a = generateShapes(small)
    const b = generateShapes(small)
    expect(Buffer.from(a.train.x.buffer).equals(Buffer.from(b.train.x.buffer))).toBe(true)
    expect(a.train.objects).toEqual(b.train.objects)
    const c = generateShapes({ ...small, seed: 6 })
    expect(Buffer.from(a.train.x.buffer).equals(Buffer.from(c.train.x.buffer))).toBe(false)
  })

  it('keeps the test split when the training split grows', () => {
    const a = generateShapes(small)
    const b = generateShapes({ ...small, trainSize: 30 })
    expect(b.test.objects).toEqual(a.test.objects)
    expect(Buffer.from(b.test.x.buffer).equals(Buffer.from(a.test.x.buffer))).toBe(true)
    expect(b.train.objects.slice(0, 12)).toEqual(a.train.objects)
  })

  it('has pixels in [0, 1], boxes inside the image, class ids and object counts in range', () => {
    const d = generateShapes({ ...small, numClasses: 4, trainSize: 40, minObjects: 2, maxObjects: 3, unlabelledSize: 5 })
    expect(d.inputShape).toEqual([32, 32, 3])
    expect(d.classNames).toEqual(['circle', 'square', 'triangle', 'diamond'])
    expect(d.train.x.length).toBe(40 * 32 * 32 * 3)
    expect(d.unlabelled?.n).toBe(5)
    expect(d.unlabelled?.x.length).toBe(5 * 32 * 32 * 3)
    let min = Infinity
    let max = -Infinity
    for (const v of d.train.x) {
      min = Math.min(min, v)
      max = Math.max(max, v)
    }
    expect(min).toBeGreaterThanOrEqual(0)
    expect(max).toBeLessThanOrEqual(1)
    const seen = new Set<number>()
    for (const objects of d.train.objects) {
      // A placement may be given up after 20 tries, so an image can hold fewer objects than drawn.
      expect(objects.length).toBeGreaterThanOrEqual(1)
      expect(objects.length).toBeLessThanOrEqual(3)
      for (const o of objects) {
        seen.add(o.classId)
        expect(o.classId).toBeLessThan(4)
        expect(o.xMin).toBeGreaterThanOrEqual(0)
        expect(o.yMin).toBeGreaterThanOrEqual(0)
        expect(o.xMax).toBeLessThanOrEqual(1)
        expect(o.yMax).toBeLessThanOrEqual(1)
        const size = (o.xMax - o.xMin + o.yMax - o.yMin) / 2
        expect(size).toBeGreaterThan(0.15)
        expect(size).toBeLessThan(0.55)
      }
    }
    expect(seen.size).toBe(4)
    expect(d.train.names[3]).toBe('shapes-train-3')
  })

  it('draws the shape inside its box: the box is filled with the shape colour at its centre', () => {
    // No noise, one object: the pixel at a circle's centre differs from the background around it.
    const { pixels, objects } = renderShapesImage(11, { imageSize: 32, noise: 0, minObjects: 1, maxObjects: 1, numClasses: 1, minSize: 0.5, maxSize: 0.5 })
    expect(objects).toHaveLength(1)
    const o = objects[0]
    const at = (x: number, y: number): number[] => {
      const p = (Math.floor(y * 32) * 32 + Math.floor(x * 32)) * 3
      return [pixels[p], pixels[p + 1], pixels[p + 2]]
    }
    const centre = at((o.xMin + o.xMax) / 2, (o.yMin + o.yMax) / 2)
    const inside = at((o.xMin + o.xMax) / 2 + 0.05, (o.yMin + o.yMax) / 2)
    expect(inside).toEqual(centre)
  })

  it('has inside tests that touch all four sides of the box', () => {
    for (const kind of SHAPE_CLASSES) {
      expect(insideShape(kind, 0.5, 0.5) || kind === 'ring', kind).toBe(true)
      const touches = [
        [0.5, 0.001],
        [0.5, 0.999],
        [0.001, 0.5],
        [0.999, 0.5],
      ].map(([u, v]) => [0.45, 0.5, 0.55].some((d) => (v === 0.5 ? insideShape(kind, u, d) : insideShape(kind, d, v))))
      if (kind !== 'triangle') expect(touches, kind).toEqual([true, true, true, true])
    }
    // The triangle: apex at the top centre, full width at the base.
    expect(insideShape('triangle', 0.5, 0.01)).toBe(true)
    expect(insideShape('triangle', 0.01, 0.99)).toBe(true)
    expect(insideShape('triangle', 0.01, 0.5)).toBe(false)
  })

  it('refuses bad options with a message', () => {
    expect(() => generateShapes({ numClasses: 9 })).toThrow(/numClasses must be an integer in 1\.\.6/)
    expect(() => generateShapes({ minSize: 0.6, maxSize: 0.5 })).toThrow(/minSize/)
  })
})
