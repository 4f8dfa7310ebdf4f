/**
 * A picture of detections for people (the UI's "test images with predicted boxes", issue 7 item
 * 7): the image scaled up by an integer factor, ground-truth boxes drawn dashed in white and
 * predicted boxes solid in their class colour, encoded as PNG bytes (a run artifact).
 */
import { PNG } from 'pngjs'
import type { Box } from './box'
import type { DetectionObject } from './detection-dataset'
import type { Detection } from './nms'

/** Distinct colours for classes (Tableau 10), cycled for more classes. */
export const CLASS_COLOURS: ReadonlyArray<[number, number, number]> = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
]

export interface PreviewOptions {
  /** Integer upscaling factor (default 4). */
  scale?: number
  /** Draw only detections scoring at least this (default 0.25). */
  minScore?: number
  groundTruth?: readonly DetectionObject[]
}

/** RGBA pixels of the scaled image with the boxes drawn; width = w·scale, height = h·scale. */
export function previewPixels(
  pixels: Float32Array,
  shape: readonly number[],
  detections: readonly Detection[],
  options: PreviewOptions = {},
): { width: number; height: number; data: Uint8Array } {
  const [h, w, c] = shape
  const scale = options.scale ?? 4
  const width = w * scale
  const height = h * scale
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (Math.floor(y / scale) * w + Math.floor(x / scale)) * c
      const q = (y * width + x) * 4
      for (let k = 0; k < 3; k++) data[q + k] = Math.round(Math.min(1, Math.max(0, pixels[p + (c === 1 ? 0 : k)])) * 255)
      data[q + 3] = 255
    }
  }
  const rect = (b: Box, colour: readonly number[], dashed: boolean): void => {
    const x0 = Math.round(b.xMin * (width - 1))
    const x1 = Math.round(b.xMax * (width - 1))
    const y0 = Math.round(b.yMin * (height - 1))
    const y1 = Math.round(b.yMax * (height - 1))
    const put = (x: number, y: number, i: number): void => {
      if (dashed && Math.floor(i / 3) % 2 === 1) return
      if (x < 0 || y < 0 || x >= width || y >= height) return
      data.set(colour, (y * width + x) * 4)
    }
    for (let x = x0; x <= x1; x++) {
      put(x, y0, x - x0)
      put(x, y1, x - x0)
    }
    for (let y = y0; y <= y1; y++) {
      put(x0, y, y - y0)
      put(x1, y, y - y0)
    }
  }
  for (const g of options.groundTruth ?? []) rect(g, [255, 255, 255], true)
  const minScore = options.minScore ?? 0.25
  for (const d of [...detections].sort((a, b) => a.score - b.score)) {
    if (d.score >= minScore) rect(d, CLASS_COLOURS[d.classId % CLASS_COLOURS.length], false)
  }
  return { width, height, data }
}

/** The preview as PNG bytes. */
export function previewPng(
  pixels: Float32Array,
  shape: readonly number[],
  detections: readonly Detection[],
  options: PreviewOptions = {},
): Uint8Array {
  const img = previewPixels(pixels, shape, detections, options)
  const png = new PNG({ width: img.width, height: img.height })
  png.data.set(img.data)
  return new Uint8Array(PNG.sync.write(png))
}
