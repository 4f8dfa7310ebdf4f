/** Axis-aligned boxes in normalised image coordinates and their overlap. */

/** A box by its corners; x to the right, y down, both in [0, 1] of the image. */
export interface Box {
  xMin: number
  yMin: number
  xMax: number
  yMax: number
}

/** Area of a box (0 for an empty or inverted one). */
export function boxArea(b: Box): number {
  return Math.max(0, b.xMax - b.xMin) * Math.max(0, b.yMax - b.yMin)
}

/**
 * Intersection over union. Continuous coordinates, so no "+1 pixel" as in the VOC devkit's
 * integer pixel boxes (the devkit's +1 is the width of a pixel at inclusive integer corners).
 */
export function iou(a: Box, b: Box): number {
  const iw = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin)
  const ih = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin)
  if (iw <= 0 || ih <= 0) return 0
  const inter = iw * ih
  const union = boxArea(a) + boxArea(b) - inter
  return union > 0 ? inter / union : 0
}

/** The box clipped to the image [0, 1]². */
export function clipBox<T extends Box>(b: T): T {
  const c = (v: number): number => Math.min(1, Math.max(0, v))
  return { ...b, xMin: c(b.xMin), yMin: c(b.yMin), xMax: c(b.xMax), yMax: c(b.yMax) }
}
