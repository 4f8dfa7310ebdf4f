/**
 * A folder of unlabelled images (JPEG/PNG), resized to the model input: the extra data of
 * Mehta & Ozturk's distillation (teacher terms only). Files are taken in name order (so the order
 * does not depend on the file system); a file that cannot be read or decoded is reported by name
 * and skipped, or refuses the whole folder, as the caller chooses.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { extname, join, relative } from 'node:path'
import type { BrokenFilePolicy, DataWarning, ImageSplit } from '../detect/detection-dataset'
import { decodeImage, resizeToRgb } from './image-folder-decode'

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'] as const

export interface ImageFolderOptions {
  dir: string
  /** Model input height and width (square when one number). */
  imageSize: number | [number, number]
  /** Default 'skip'. */
  onBroken?: BrokenFilePolicy
  /** Look into sub-folders too (default false). */
  recursive?: boolean
  /** At most this many images (the first in name order). */
  limit?: number
}

export interface ImageFolder {
  images: ImageSplit
  warnings: DataWarning[]
}

/** Handles a broken file under a policy: throws (refuse) or records a warning (skip). */
export function reportBroken(policy: BrokenFilePolicy, warnings: DataWarning[], file: string, message: string): void {
  if (policy === 'refuse') throw new Error(`${file}: ${message}`)
  warnings.push({ file, message })
}

/** Height and width of the model input from a size option. */
export function inputSize(size: number | [number, number]): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new Error(`image size must be positive integers, got ${h}×${w}`)
  }
  return [h, w]
}

function listImages(dir: string, recursive: boolean): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name)
      const isDir = statSync(path).isDirectory()
      if (isDir) {
        if (recursive) walk(path)
      } else if ((IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase())) out.push(path)
    }
  }
  walk(dir)
  return out
}

/** Reads and resizes one image file; throws with the reason on a broken file. */
export function readImageFile(path: string, height: number, width: number, out?: Float32Array): Float32Array {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new Error(code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? (e as Error).message})`)
  }
  return resizeToRgb(decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), height, width, out)
}

/** Loads the images of a folder as an unlabelled split. */
export function loadImageFolder(o: ImageFolderOptions): ImageFolder {
  const [h, w] = inputSize(o.imageSize)
  const policy = o.onBroken ?? 'skip'
  let files: string[]
  try {
    files = listImages(o.dir, o.recursive ?? false)
  } catch (e) {
    throw new Error(`cannot list the image folder ${o.dir}: ${(e as Error).message}`)
  }
  const warnings: DataWarning[] = []
  const pixels: Float32Array[] = []
  const names: string[] = []
  for (const file of files) {
    if (o.limit !== undefined && pixels.length >= o.limit) break
    const name = relative(o.dir, file)
    try {
      pixels.push(readImageFile(file, h, w))
      names.push(name)
    } catch (e) {
      reportBroken(policy, warnings, name, (e as Error).message)
    }
  }
  const size = h * w * 3
  const x = new Float32Array(pixels.length * size)
  pixels.forEach((p, i) => x.set(p, i * size))
  return { images: { x, n: pixels.length, names }, warnings }
}
