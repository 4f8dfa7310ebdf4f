/**
 * What a compressed run's model descends from, carried down a chain of stages (prune → quantize):
 * each pruning or quantize run writes `lineage.json` beside its saved model folder with the
 * ORIGINAL (first uncompressed) model's weight bytes, parameters and test metric — its parent's
 * own lineage when the parent has one, else the parent itself. A later stage reads it through
 * its parent's model path, so Deep Compression's ratio (original bytes / final bytes, Han et al.
 * 2016) is measured against the unpruned float model, not against the stage before.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { atomicWrite, type SavedFile } from './file-io-handler'

export const LINEAGE_FILE = 'lineage.json'

/** The original model of a chain of compression stages. */
export interface Origin {
  weightsBytes: number
  params: number
  /** Its test metric (accuracy or mAP) and that metric's name. */
  metric: number
  metricName: string
}

/** The origin recorded beside a run's saved model (`<run>/model/model.json` → `<run>/lineage.json`), if any. */
export function readLineage(modelJsonPath: string | undefined): Origin | null {
  if (!modelJsonPath) return null
  const path = join(dirname(dirname(modelJsonPath)), LINEAGE_FILE)
  if (!existsSync(path)) return null
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as { origin?: Origin }
    return o.origin && Number.isFinite(o.origin.weightsBytes) ? o.origin : null
  } catch {
    return null
  }
}

/** Writes a run's lineage into its artifact folder. */
export function writeLineage(artifactDir: string, origin: Origin): SavedFile {
  mkdirSync(artifactDir, { recursive: true })
  return atomicWrite(join(artifactDir, LINEAGE_FILE), new TextEncoder().encode(JSON.stringify({ origin }, null, 1)))
}

/** The results comparing a run with its origin (`origin.*`, and Deep Compression's ratio). */
export function originResults(origin: Origin, weightsBytes: number, metric: number): Record<string, number> {
  return {
    'origin.weights.bytes': origin.weightsBytes,
    'origin.params': origin.params,
    [`origin.test.${origin.metricName}`]: origin.metric,
    [`origin.${origin.metricName}.change`]: metric - origin.metric,
    'origin.compression': origin.weightsBytes / weightsBytes,
  }
}
