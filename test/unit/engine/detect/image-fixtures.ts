/** Tiny JPEG and PNG images for the data tests (encoded with the same pure-JS codecs). */
import jpeg from 'jpeg-js'
import { PNG } from 'pngjs'

/** A width×height image of one RGB colour. */
export function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4)
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4)
  return data
}

export function pngBytes(width: number, height: number, rgb: [number, number, number]): Buffer {
  const png = new PNG({ width, height })
  png.data.set(solid(width, height, rgb))
  return PNG.sync.write(png)
}

export function jpegBytes(width: number, height: number, rgb: [number, number, number]): Buffer {
  return jpeg.encode({ width, height, data: solid(width, height, rgb) }, 95).data
}
