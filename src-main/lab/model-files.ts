/**
 * Model files in and out of the lab: `models.import` stores a TF.js layers-format model sent by
 * the UI (model.json and its weight files) under `<data>/imports/`, and `artifacts.read` hands one
 * saved artifact back ("save model as…"). Paths never come from the request: imports get a fresh
 * folder, and an artifact is read only when its recorded path lies inside the data folder.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path'
import { LabError, MAX_IMPORT_FILE_BYTES } from '../../src-shared/contract'
import type { Artifact } from '../../src-shared/types'
import { makeDirectory } from '../store/data-folder'

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/

interface ModelJson {
  modelTopology?: unknown
  weightsManifest?: { paths?: unknown }[]
}

/** Stores an uploaded model; returns its path relative to the data folder (for `teacher.path`). */
export function importModel(dataDir: string, files: readonly { name: string; base64: string }[], now: Date = new Date()): { path: string; files: string[] } {
  const decoded = files.map((f) => ({ name: basename(f.name.replace(/\\/g, '/')), bytes: Buffer.from(f.base64, 'base64') }))
  for (const f of decoded) {
    if (!SAFE_NAME.test(f.name)) throw new LabError('invalid_input', `"${f.name}" is not an acceptable file name (letters, digits, . _ -)`)
    if (f.bytes.length > MAX_IMPORT_FILE_BYTES) throw new LabError('invalid_input', `${f.name} is larger than ${MAX_IMPORT_FILE_BYTES} bytes`)
  }
  const names = new Set(decoded.map((f) => f.name))
  if (names.size !== decoded.length) throw new LabError('invalid_input', 'two files have the same name')
  const jsons = decoded.filter((f) => extname(f.name) === '.json')
  if (jsons.length !== 1) throw new LabError('invalid_input', 'send exactly one model.json (TF.js layers format) with its weight files')
  let model: ModelJson
  try {
    model = JSON.parse(jsons[0].bytes.toString('utf8')) as ModelJson
  } catch (e) {
    throw new LabError('invalid_input', `${jsons[0].name} is not JSON: ${(e as Error).message}`)
  }
  if (!model || typeof model !== 'object' || !model.modelTopology || !Array.isArray(model.weightsManifest)) {
    throw new LabError('invalid_input', `${jsons[0].name} is not a TF.js layers model (modelTopology and weightsManifest are needed)`)
  }
  if (model.weightsManifest.some((g) => !g || typeof g !== 'object' || !Array.isArray(g.paths))) {
    throw new LabError('invalid_input', `${jsons[0].name} has a malformed weightsManifest (each entry needs its paths)`)
  }
  const listed = model.weightsManifest.flatMap((g) => (g.paths as unknown[]).map(String))
  // The weights must lie beside model.json: a path like `../../x.bin` would make loading the
  // model read a file outside the import folder.
  const outside = listed.filter((p) => !SAFE_NAME.test(p.replace(/^\.\//, '')))
  if (outside.length) throw new LabError('invalid_input', `${jsons[0].name} names weight files outside its folder (${outside.slice(0, 3).join(', ')}); only file names beside it are accepted`)
  const needed = listed.map((p) => basename(p))
  const missing = needed.filter((n) => !names.has(n))
  if (missing.length) throw new LabError('invalid_input', `weight files missing: ${missing.join(', ')} (select them together with ${jsons[0].name})`)

  const stem = basename(jsons[0].name, '.json').replace(/[^A-Za-z0-9_-]/g, '') || 'model'
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')
  const root = join(dataDir, 'imports')
  makeDirectory(root)
  let folder = join(root, `${stem}-${stamp}`)
  for (let n = 2; ; n++) {
    try {
      mkdirSync(folder)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 100) throw e
      folder = join(root, `${stem}-${stamp}-${n}`)
    }
  }
  for (const f of decoded) writeFileSync(join(folder, f.name), f.bytes)
  return { path: relative(dataDir, join(folder, jsons[0].name)).split('\\').join('/'), files: decoded.map((f) => f.name) }
}

const MIME: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' }

/** One artifact's bytes, if its file lies in the data folder and is not too large. */
export function readArtifact(dataDir: string, artifact: Artifact): { name: string; mime: string; base64: string; bytes: number } {
  const path = resolve(dataDir, artifact.path)
  const rel = relative(resolve(dataDir), path)
  if (rel.startsWith('..') || isAbsolute(rel)) throw new LabError('unauthorized', `artifact #${artifact.id} lies outside the lab's data folder`)
  let size: number
  try {
    size = statSync(path).size
  } catch {
    throw new LabError('not_found', `the file of artifact #${artifact.id} is gone (${artifact.path})`)
  }
  if (size > MAX_IMPORT_FILE_BYTES) throw new LabError('invalid_input', `artifact #${artifact.id} is too large to send (${size} bytes)`)
  const data = readFileSync(path)
  return { name: basename(path), mime: MIME[extname(path)] ?? 'application/octet-stream', base64: data.toString('base64'), bytes: data.length }
}
