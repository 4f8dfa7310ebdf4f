/**
 * User files on remote workers (issue 17 item 3). Built-in and `npm:` datasets resolve on the
 * worker as they do here. A user file (IDX, CSV) or folder (images, VOC) must lie inside the
 * lab's data folder; the lab records its sha256 when it sends the run, and the worker looks for it
 * under its own `--data-dir` at the same relative path: a missing or different file fails the run
 * naming the file and the worker. A folder's sha256 covers the names and contents of every file
 * in it.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import type { RunConfig } from '../../../src-shared/spec/expand'
import { pathValues, type PathKind } from '../../../src-shared/spec/path-field'
import { datasetSpecSchema } from '../../../src-shared/spec/schema-data'
import { confinedRelative, fileSha256, type WireFile } from './wire'

/** The sha256 of a file, or of a folder's sorted (relative path, file sha256) list. */
export function pathSha256(path: string, kind: PathKind): string {
  if (kind === 'file') return fileSha256(path)
  const lines: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (entry.isFile()) lines.push(`${relative(path, p).split('\\').join('/')}\0${fileSha256(p)}`)
    }
  }
  walk(path)
  return createHash('sha256').update(lines.join('\n')).digest('hex')
}

/**
 * A path of a spec as a worker will look it up: relative to the data folder. Throws when it lies
 * outside the lab's data folder: no worker could find it at "the same relative path".
 */
export function remoteRelative(labDataDir: string, value: string): string {
  const abs = isAbsolute(value) ? value : resolve(labDataDir, value)
  const rel = confinedRelative(relative(resolve(labDataDir), abs).split('\\').join('/'))
  if (!rel)
    throw new Error(`${value} is outside the lab's data folder: a remote worker looks for user files under its --data-dir at the same relative path`)
  return rel
}

/** The lab's record of a file or folder a run reads: relative path, sha256, size. */
export function recordFile(labDataDir: string, value: string, kind: PathKind): WireFile & { kind: PathKind } {
  const rel = remoteRelative(labDataDir, value)
  const path = resolve(labDataDir, rel)
  if (!existsSync(path)) throw new Error(`${value} does not exist in the lab's data folder`)
  return { path: rel, sha256: pathSha256(path, kind), bytes: kind === 'file' ? statSync(path).size : 0, kind }
}

/** The user files and folders a run's dataset reads (npm: and built-in datasets need none). */
export function datasetFiles(labDataDir: string, config: RunConfig): (WireFile & { kind: PathKind })[] {
  return pathValues(datasetSpecSchema, config.dataset)
    .filter((p) => !p.value.startsWith('npm:'))
    .map((p) => recordFile(labDataDir, p.value, p.kind))
}

/**
 * Checks on a worker that `file` is under `dataDir` at its relative path, inside it (links
 * included) and as the lab recorded it. Returns its absolute path; throws naming file and worker.
 */
export function checkWorkerFile(dataDir: string, file: WireFile & { kind?: PathKind }, worker: string): string {
  const rel = confinedRelative(file.path)
  if (!rel) throw new Error(`the job names ${JSON.stringify(file.path)}, which is not a path inside a data folder`)
  const path = resolve(dataDir, rel)
  if (!existsSync(path)) throw new Error(`${rel} is missing on worker ${worker} (looked for ${path})`)
  const root = realpathSync(dataDir)
  const real = relative(root, realpathSync(path))
  if (real.startsWith('..') || isAbsolute(real)) throw new Error(`${rel} on worker ${worker} leads out of its data folder (a link)`)
  if (pathSha256(path, file.kind ?? 'file') !== file.sha256)
    throw new Error(`${rel} on worker ${worker} differs from the lab's (sha256 ${file.sha256.slice(0, 12)}…)`)
  return path
}
