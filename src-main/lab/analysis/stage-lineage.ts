/**
 * Compression stages side by side (issue 19 item 1): when the runs summarised over seeds form a
 * chain — a quantize run, or a stage whose parent is itself a compression stage (prune → quantize,
 * each stage its own run linked to its parent) — every configuration says which stage it is and
 * which one it came from, the configurations are listed in lineage order (the original model,
 * then each stage after its parent), and each gets the figures a chain is judged on, against the
 * chain's original float model: its weight bytes as stored, how many times fewer that is
 * (Deep Compression's ratio), the change in points of its quality, and the accuracy of its
 * exported ONNX model as ONNX Runtime runs it (the export step).
 *
 * Runs that record no lineage of their own are given it from what they record: the original
 * model's weights are float32 (4 bytes a parameter, as the engine's lineage counts them), so it
 * is 1× against itself, and a first stage's ratio and change are against its parent (the
 * original). Pure.
 */
import type { MatrixRun } from './matrix-cells'

/** The result keys a chain adds to the summary, in the order shown. */
export function lineageColumns(metric: string): string[] {
  return ['weights.bytes', 'origin.compression', `origin.${metric.replace(/^test\./, '')}.change`, `ort.${metric}`]
}

/** What each run is in the chain. */
export interface StageInfo {
  /** 0 for the original model, 1 for a stage on it, 2 for a stage on that… */
  depth: number
  /** The stage's method: `train` for a model trained from the data, else its method (`prune`, `quantize`). */
  stage: string
  /** The run it was made from, when that run is among those summarised. */
  from: MatrixRun | null
  /** The results with the lineage figures filled in. */
  results: Record<string, number>
}


const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v)

function methodOf(run: MatrixRun): string {
  const kind = run.params['method.kind']
  return typeof kind === 'string' ? kind : (run.method ?? 'train')
}

/** True when `runs` hold a chain of compression stages (see the file comment). */
function isChain(runs: readonly MatrixRun[], byId: ReadonlyMap<number, MatrixRun>): boolean {
  return runs.some((r) => {
    if (methodOf(r) === 'quantize') return true
    const parent = r.parentRunId != null ? byId.get(r.parentRunId) : undefined
    return parent !== undefined && parent.role === 'pruned'
  })
}

/** Each run's place in the chain and its lineage figures; null when the runs hold no chain. */
export function stageLineage(runs: readonly MatrixRun[], metric: string): Map<number, StageInfo> | null {
  const byId = new Map(runs.map((r) => [r.id, r]))
  if (!isChain(runs, byId)) return null
  const [bytesKey, ratioKey, changeKey] = lineageColumns(metric)
  const short = metric.replace(/^test\./, '')
  const out = new Map<number, StageInfo>()
  const info = (run: MatrixRun, seen: Set<number>): StageInfo => {
    const known = out.get(run.id)
    if (known) return known
    seen.add(run.id)
    const parent = run.parentRunId != null && !seen.has(run.parentRunId) ? byId.get(run.parentRunId) : undefined
    const above = parent ? info(parent, seen) : null
    const r = run.results
    const results = { ...r }
    if (!finite(results[bytesKey]) && finite(r.params)) results[bytesKey] = 4 * r.params
    if (run.role !== 'pruned') {
      // A model trained from the data: the original of the chains made from it.
      if (!finite(results[ratioKey])) results[ratioKey] = 1
      if (!finite(results[changeKey])) results[changeKey] = 0
    } else if (!finite(results[ratioKey]) && finite(r['parent.params']) && finite(r.params)) {
      // A first stage: its parent is the original.
      results[ratioKey] = r['parent.params'] / r.params
      if (finite(r[`${short}.change`])) results[changeKey] = r[`${short}.change`]
    }
    const made: StageInfo = { depth: above ? above.depth + 1 : run.role === 'pruned' ? 1 : 0, stage: run.role === 'pruned' ? methodOf(run) : 'train', from: parent ?? null, results }
    out.set(run.id, made)
    return made
  }
  for (const r of runs) info(r, new Set())
  return out
}
