/**
 * Cheap checks of the TF.js `model.json` files a launch imports (teachers, pruning parents),
 * before anything is queued: the file is JSON with a topology and a weights manifest, every weight
 * file it names lies beside it and exists, and their sizes add up to what the manifest declares.
 * its layers are all classes TensorFlow.js can build, and its float weights are finite. A corrupt
 * model is refused at launch with a message naming the file, instead of failing later in a worker
 * with TensorFlow's words (or, for NaN weights, as a student that "diverged"). Whether it fits the
 * run's dataset is checked with the dataset (`engine/validate.ts`).
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { modelRefs, type ExpansionIssue, type RunPlan } from '../../src-shared/spec/expand'
import { resolveDataPath } from '../engine/data/data-path'
import { nonFiniteWeights, readTopology, unknownLayer } from '../engine/models/model-topology'

/** Bytes per value of the dtypes a weights manifest may name. */
const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  complex64: 8,
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/

interface ManifestEntry {
  name?: unknown
  shape?: unknown
  dtype?: unknown
  quantization?: { dtype?: unknown }
}

interface WeightGroup {
  files: string[]
  weights: ManifestEntry[]
}

const count = (shape: unknown[]): number => shape.reduce<number>((a, d) => a * (d as number), 1)

/**
 * The first float32 weight holding NaN or ±Infinity, said in a line; null when all are finite.
 * Called once the sizes add up, so each group's files hold exactly its weights, in order.
 */
function nonFiniteWeight(groups: readonly WeightGroup[]): string | null {
  for (const group of groups) {
    const bytes = Buffer.concat(group.files.map((f) => readFileSync(f)))
    let offset = 0
    for (const w of group.weights) {
      const n = count(w.shape as unknown[])
      const dtype = (w.quantization?.dtype ?? w.dtype) as string
      if (dtype === 'float32') {
        let bad = 0
        for (let i = 0; i < n; i++) if (!Number.isFinite(bytes.readFloatLE(offset + 4 * i))) bad++
        if (bad) return nonFiniteWeights(String(w.name), bad, n)
      }
      offset += n * DTYPE_BYTES[dtype]
    }
  }
  return null
}

/** Bytes a manifest's weights take, or null when it cannot be told (strings, odd shapes). */
function declaredBytes(weights: readonly ManifestEntry[]): number | null {
  let total = 0
  for (const w of weights) {
    if (!w || typeof w !== 'object' || !Array.isArray(w.shape)) return null
    const dtype = w.quantization?.dtype ?? w.dtype
    const size = typeof dtype === 'string' ? DTYPE_BYTES[dtype] : undefined
    if (size === undefined) return null
    let n = 1
    for (const d of w.shape) {
      if (!Number.isInteger(d) || (d as number) < 0) return null
      n *= d as number
    }
    total += n * size
  }
  return total
}

/** What is wrong with the model.json at `path` (named `shown` in messages), or null. */
export function modelFileProblem(path: string, shown: string): string | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return `${shown}: file not found`
    if (code === 'EISDIR') return `${shown}: is a folder, not a model.json`
    return `${shown}: cannot read it (${code ?? (e as Error).message})`
  }
  let model: { modelTopology?: unknown; weightsManifest?: unknown }
  try {
    model = JSON.parse(text) as typeof model
  } catch (e) {
    return `${shown}: not valid JSON (${(e as Error).message})`
  }
  if (!model || typeof model !== 'object' || !model.modelTopology || typeof model.modelTopology !== 'object')
    return `${shown}: not a TF.js layers model (it has no modelTopology)`
  if (!Array.isArray(model.weightsManifest))
    return `${shown}: not a TF.js layers model (it has no weightsManifest)`
  const weights: ManifestEntry[] = []
  const groups: WeightGroup[] = []
  let bytes = 0
  const names: string[] = []
  for (const group of model.weightsManifest as { paths?: unknown; weights?: unknown }[]) {
    if (!group || typeof group !== 'object' || !Array.isArray(group.paths) || !Array.isArray(group.weights))
      return `${shown}: its weightsManifest is malformed (each group needs paths and weights)`
    weights.push(...(group.weights as ManifestEntry[]))
    groups.push({ files: [], weights: group.weights as ManifestEntry[] })
    for (const p of group.paths) {
      const name = String(p).replace(/^\.\//, '')
      if (!PLAIN_NAME.test(name)) return `${shown}: names a weight file outside its folder (${String(p)})`
      try {
        bytes += statSync(join(dirname(path), name)).size
      } catch {
        return `${shown}: its weight file ${name} is missing`
      }
      names.push(name)
      groups[groups.length - 1].files.push(join(dirname(path), name))
    }
  }
  const needed = declaredBytes(weights)
  if (needed !== null && needed !== bytes) {
    const files = names.length ? names.join(' + ') : 'no weight file'
    return `${shown}: ${files} ${names.length === 1 ? 'has' : 'have'} ${bytes.toLocaleString('en-US')} bytes; its manifest needs ${needed.toLocaleString('en-US')} (truncated or not this model's weights?)`
  }
  const topology = readTopology(model.modelTopology)
  if (typeof topology === 'string') return `${shown}: ${topology}`
  const unknown = unknownLayer(topology)
  if (unknown) return `${shown}: ${unknown}`
  const nonFinite = needed === null ? null : nonFiniteWeight(groups)
  return nonFinite ? `${shown}: ${nonFinite}` : null
}

/** Problems of every imported model a launch names, each file once. */
export function importedModelIssues(dataDir: string, runs: readonly RunPlan[]): ExpansionIssue[] {
  const seen = new Map<string, ExpansionIssue | null>()
  for (const plan of runs) {
    const { teachers, parent } = modelRefs(plan.config.method)
    const refs = [
      ...teachers.map((ref) => ({ ref, field: 'method.teacher.path' })),
      ...(parent ? [{ ref: parent, field: 'method.parent.path' }] : []),
    ]
    for (const { ref, field } of refs) {
      if (!('path' in ref) || seen.has(ref.path)) continue
      const problem = modelFileProblem(resolveDataPath(dataDir, ref.path), ref.path)
      seen.set(ref.path, problem ? { path: field, message: problem } : null)
    }
  }
  return [...seen.values()].filter((i): i is ExpansionIssue => i !== null)
}
