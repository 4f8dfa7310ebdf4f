/**
 * `artifacts.preview`: one preview image of a run (a detection run saves a few test images with
 * the predicted and the true boxes drawn) as a `data:` URL, so the run page shows it the same way
 * in the Electron window and in a browser, through the method call that already carries the
 * token, with no file URL and no extra route.
 *
 * Only a file the run recorded as a `preview` artifact is read, found by the artifact's id and
 * checked to belong to the run asked about; its path must stay inside the data folder (links
 * included); it must be a PNG no larger than `MAX_PREVIEW_BYTES`. Nothing in the request is a path.
 */
import { openSync, closeSync, fstatSync, readSync } from 'node:fs'
import { basename, extname, isAbsolute, relative, resolve } from 'node:path'
import { LabError, MAX_PREVIEW_BYTES, type PreviewImage } from '../../src-shared/contract'
import type { Artifact } from '../../src-shared/types'
import { confinedPathProblem } from './path-rules'

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** Width and height from a PNG's header chunk, or null when the bytes are not a PNG. */
export function pngSize(data: Buffer): { width: number; height: number } | null {
  if (data.length < 24 || !data.subarray(0, 8).equals(PNG_SIGNATURE)) return null
  if (data.subarray(12, 16).toString('latin1') !== 'IHDR') return null
  const width = data.readUInt32BE(16)
  const height = data.readUInt32BE(20)
  return width > 0 && height > 0 ? { width, height } : null
}

/** The whole file, refused unreadable or past `limit` bytes (read from one open descriptor). */
function readCapped(path: string, limit: number, what: string): Buffer {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    throw new LabError('not_found', `the file of ${what} is gone`)
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw new LabError('not_found', `the file of ${what} is not a plain file`)
    if (stat.size > limit) throw new LabError('invalid_input', `${what} is too large to show (${stat.size} bytes, at most ${limit})`)
    const data = Buffer.alloc(stat.size)
    let at = 0
    while (at < data.length) {
      const n = readSync(fd, data, at, data.length - at, at)
      if (n === 0) break
      at += n
    }
    return data.subarray(0, at)
  } finally {
    closeSync(fd)
  }
}

/** The preview image `artifact` (looked up by id) of run `runId`, checked as the header says. */
export function readPreview(dataDir: string, runId: number, artifactId: number, artifact: Artifact | undefined): PreviewImage {
  const what = `artifact #${artifactId}`
  // Another run's artifact is answered like a missing one: a caller learns nothing by guessing ids.
  if (!artifact || artifact.runId !== runId) throw new LabError('not_found', `run #${runId} has no ${what}`)
  if (artifact.kind !== 'preview') throw new LabError('invalid_input', `${what} is a ${artifact.kind} file, not a preview image`)
  if (extname(artifact.path).toLowerCase() !== '.png') throw new LabError('invalid_input', `${what} is not a PNG image`)
  const root = resolve(dataDir)
  const rel = relative(root, resolve(root, artifact.path))
  const problem = isAbsolute(rel) ? "leaves the lab's data folder" : confinedPathProblem(root, rel)
  if (problem) throw new LabError('unauthorized', `the file of ${what} ${problem}`)
  const data = readCapped(resolve(root, rel), MAX_PREVIEW_BYTES, what)
  const size = pngSize(data)
  if (!size) throw new LabError('invalid_input', `the file of ${what} is not a PNG image`)
  return {
    id: artifact.id,
    runId,
    name: basename(artifact.path),
    width: size.width,
    height: size.height,
    bytes: data.length,
    dataUrl: `data:image/png;base64,${data.toString('base64')}`,
  }
}
