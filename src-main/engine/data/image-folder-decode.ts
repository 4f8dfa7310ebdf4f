/**
 * Image files → model input: JPEG (jpeg-js) and PNG (pngjs) decoded in pure JS, recognised by
 * their signature bytes rather than their extension, then resized by bilinear interpolation to the
 * input size (stretched, as YOLO does; boxes scale with the image) as float RGB in [0, 1].
 * Alpha is dropped, grey images become three equal channels.
 */
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'

/** A decoded image: RGBA bytes, row-major. */
export interface RgbaImage {
  width: number
  height: number
  data: Uint8Array
}

export type ImageFormat = 'jpeg' | 'png'

/** The format of an image file by its first bytes, or null when it is neither JPEG nor PNG. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg'
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png'
  return null
}

/** Decodes a JPEG or PNG file's bytes; throws a short message saying what is wrong. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const format = sniffImageFormat(bytes)
  if (format === null) throw new Error(bytes.length === 0 ? 'empty file' : 'not a JPEG or PNG image')
  try {
    if (format === 'jpeg') {
      // Strict decoding, so a truncated or damaged file is reported instead of half-decoded.
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxMemoryUsageInMB: 1024 })
      return { width: img.width, height: img.height, data: img.data }
    }
    const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    return { width: img.width, height: img.height, data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength) }
  } catch (e) {
    throw new Error(`damaged ${format === 'jpeg' ? 'JPEG' : 'PNG'} image (${(e as Error).message})`)
  }
}

/**
 * Bilinear resize to height × width × 3 floats in [0, 1], with half-pixel centres (the sampling of
 * tf.image.resizeBilinear with halfPixelCenters), written into `out` when given.
 */
export function resizeToRgb(
  img: RgbaImage,
  height: number,
  width: number,
  out: Float32Array = new Float32Array(height * width * 3),
): Float32Array {
  const { width: W, height: H, data } = img
  if (W < 1 || H < 1) throw new Error('image has no pixels')
  const sy = H / height
  const sx = W / width
  for (let y = 0; y < height; y++) {
    const fy = Math.min(H - 1, Math.max(0, (y + 0.5) * sy - 0.5))
    const y0 = Math.floor(fy)
    const y1 = Math.min(H - 1, y0 + 1)
    const wy = fy - y0
    for (let x = 0; x < width; x++) {
      const fx = Math.min(W - 1, Math.max(0, (x + 0.5) * sx - 0.5))
      const x0 = Math.floor(fx)
      const x1 = Math.min(W - 1, x0 + 1)
      const wx = fx - x0
      for (let c = 0; c < 3; c++) {
        const p00 = data[(y0 * W + x0) * 4 + c]
        const p01 = data[(y0 * W + x1) * 4 + c]
        const p10 = data[(y1 * W + x0) * 4 + c]
        const p11 = data[(y1 * W + x1) * 4 + c]
        const top = p00 + (p01 - p00) * wx
        const bottom = p10 + (p11 - p10) * wx
        out[(y * width + x) * 3 + c] = (top + (bottom - top) * wy) / 255
      }
    }
  }
  return out
}
