/**
 * Rasterising the `shapes` objects: each class is an inside-test on normalised coordinates
 * relative to the object's box, sampled 2×2 per pixel for anti-aliased edges. The box handed in is
 * the shape's exact extent, so the ground-truth box is tight by construction.
 */
import type { Box } from '../detect/box'

/** The shape classes, in class-id order; `shapes` uses the first `numClasses` of them. */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle', 'diamond', 'cross', 'ring'] as const
export type ShapeClass = (typeof SHAPE_CLASSES)[number]

/**
 * Whether the point (u, v) in box-relative coordinates (0..1 across the box, v down) lies inside
 * the shape. Every shape touches all four sides of its box.
 */
export function insideShape(kind: ShapeClass, u: number, v: number): boolean {
  const dx = u - 0.5
  const dy = v - 0.5
  switch (kind) {
    case 'circle': // an ellipse inscribed in the box
      return dx * dx + dy * dy <= 0.25
    case 'square': // fills its box (a rectangle when the aspect is jittered)
      return u >= 0 && u <= 1 && v >= 0 && v <= 1
    case 'triangle': // apex at the top centre, base along the bottom
      return v >= 0 && v <= 1 && Math.abs(dx) <= v / 2
    case 'diamond':
      return Math.abs(dx) + Math.abs(dy) <= 0.5
    case 'cross': // a plus sign with arms one third of the box wide
      return u >= 0 && u <= 1 && v >= 0 && v <= 1 && (Math.abs(dx) <= 1 / 6 || Math.abs(dy) <= 1 / 6)
    case 'ring': {
      const r2 = dx * dx + dy * dy
      return r2 <= 0.25 && r2 >= 0.09
    }
  }
}

/** Per-pixel coverage (0..1) of a shape in a size×size image; 0 outside its box. */
export function shapeCoverage(kind: ShapeClass, box: Box, size: number): Float32Array {
  const cover = new Float32Array(size * size)
  const w = box.xMax - box.xMin
  const h = box.yMax - box.yMin
  const x0 = Math.max(0, Math.floor(box.xMin * size))
  const x1 = Math.min(size - 1, Math.ceil(box.xMax * size))
  const y0 = Math.max(0, Math.floor(box.yMin * size))
  const y1 = Math.min(size - 1, Math.ceil(box.yMax * size))
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      let hits = 0
      for (let sy = 0; sy < 2; sy++) {
        for (let sx = 0; sx < 2; sx++) {
          const u = ((px + 0.25 + sx * 0.5) / size - box.xMin) / w
          const v = ((py + 0.25 + sy * 0.5) / size - box.yMin) / h
          if (u >= 0 && u <= 1 && v >= 0 && v <= 1 && insideShape(kind, u, v)) hits++
        }
      }
      cover[py * size + px] = hits / 4
    }
  }
  return cover
}
