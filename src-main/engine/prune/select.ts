/**
 * Which units to remove, given importance scores (higher = more important): the k lowest across
 * all scored layers (scores L2-normalised per layer first, so layers of different scale can be
 * ranked together — Molchanov 2017, eq. (8)), or a ratio of each layer. A layer is never emptied:
 * at least `minUnits` (default 1) of its units are kept. Ties break by layer order, then index,
 * so a selection is deterministic.
 */
import { l2NormalizeScores } from './importance/normalize'
import type { ImportanceScores } from './importance/types'
import type { RemovalPlan } from './surgery'

/** Options of the global selection. */
export interface GlobalSelection {
  /** Number of units to remove in all (exclusive with `ratio`). */
  count?: number
  /** Fraction of all scored units to remove, floor(ratio·total). */
  ratio?: number
  /** Units each layer keeps at least (default 1). */
  minUnits?: number
  /** Normalise each layer's scores to unit L2 norm before ranking (default true). */
  normalize?: boolean
  /**
   * Keep the width of every layer the selection touches a multiple of N (one N for all layers or
   * one per layer; 1 = no rounding), as Torch-Pruning's `round_to`: a layer that loses units loses
   * its lowest-scored ones down to the next multiple of N at or below what the global ranking
   * leaves, never below the smallest multiple of N ≥ `minUnits`; a layer that cannot go lower
   * keeps all its units. The count is then approximate (usually exceeded).
   */
  roundTo?: number | Record<string, number>
  /** At most this many units of each named layer (group) may go (`maxRatioPerLayer` of its parent width). */
  maxRemove?: Record<string, number>
}

/** Options of the per-layer selection. */
export interface PerLayerSelection {
  /** One ratio for every scored layer, or a ratio per layer (layers not named are left alone). */
  ratio: number | Record<string, number>
  minUnits?: number
}

interface Candidate {
  layer: string
  layerOrder: number
  index: number
  score: number
}

function checkRatio(ratio: number, what: string): void {
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`${what} must be in [0, 1], got ${ratio}`)
}

function byScore(a: Candidate, b: Candidate): number {
  return a.score - b.score || a.layerOrder - b.layerOrder || a.index - b.index
}

function toPlan(chosen: Candidate[]): RemovalPlan {
  const plan: RemovalPlan = {}
  for (const c of chosen) (plan[c.layer] ??= []).push(c.index)
  for (const indices of Object.values(plan)) indices.sort((a, b) => a - b)
  return plan
}

/** The k lowest-scoring units across layers (never more than leaves `minUnits` per layer). */
export function selectGlobal(scores: ImportanceScores, options: GlobalSelection): RemovalPlan {
  const minUnits = options.minUnits ?? 1
  const total = [...scores.values()].reduce((a, s) => a + s.length, 0)
  if (options.count !== undefined && options.ratio !== undefined)
    throw new Error('give either count or ratio, not both')
  let count: number
  if (options.count !== undefined) {
    if (!Number.isInteger(options.count) || options.count < 0)
      throw new Error(`count must be a non-negative integer, got ${options.count}`)
    count = options.count
  } else if (options.ratio !== undefined) {
    checkRatio(options.ratio, 'ratio')
    count = Math.floor(options.ratio * total + 1e-9)
  } else {
    throw new Error('give count or ratio')
  }
  const candidates: Candidate[] = []
  let order = 0
  for (const [layer, raw] of scores) {
    const s = options.normalize === false ? raw : l2NormalizeScores(raw)
    s.forEach((score, index) => candidates.push({ layer, layerOrder: order, index, score }))
    order++
  }
  candidates.sort(byScore)
  // A layer whose width cannot go down to a lower multiple of its roundTo is not a candidate.
  const reducible = (layer: string, units: number): boolean =>
    options.roundTo === undefined ||
    roundedWidth(units, 1, roundingOf(options.roundTo, layer), minUnits) < units
  const removable = new Map(
    [...scores].map(([layer, s]) => [
      layer,
      reducible(layer, s.length) ? capped(layer, s.length, minUnits, options.maxRemove) : 0,
    ]),
  )
  const chosen: Candidate[] = []
  for (const c of candidates) {
    if (chosen.length >= count) break
    const left = removable.get(c.layer) as number
    if (left <= 0) continue
    removable.set(c.layer, left - 1)
    chosen.push(c)
  }
  return toPlan(
    options.roundTo === undefined
      ? chosen
      : roundWidths(chosen, candidates, scores, options.roundTo, minUnits),
  )
}

/** Units of a layer that may go: all but `minUnits`, and at most its `maxRemove` cap. */
function capped(layer: string, units: number, minUnits: number, maxRemove: Record<string, number> | undefined): number {
  return Math.max(0, Math.min(units - minUnits, maxRemove?.[layer] ?? Infinity))
}

/**
 * Ranking per layer for an iterative step: `count` units split over the layers in proportion to
 * their widths (largest remainders first), each layer losing its own lowest-scored ones, within
 * `minUnits` and the `maxRemove` caps.
 */
export function selectProportional(
  scores: ImportanceScores,
  options: { count: number; minUnits?: number; maxRemove?: Record<string, number> },
): RemovalPlan {
  const minUnits = options.minUnits ?? 1
  const layers = [...scores].map(([layer, s]) => ({ layer, s, room: capped(layer, s.length, minUnits, options.maxRemove) }))
  const total = layers.reduce((a, l) => a + l.s.length, 0)
  const shares = layers.map((l) => (options.count * l.s.length) / (total || 1))
  const quota = layers.map((l, i) => Math.min(l.room, Math.floor(shares[i] + 1e-9)))
  let left = options.count - quota.reduce((a, b) => a + b, 0)
  const byRemainder = layers.map((_, i) => i).sort((a, b) => shares[b] - Math.floor(shares[b]) - (shares[a] - Math.floor(shares[a])) || a - b)
  for (let progress = true; left > 0 && progress; ) {
    progress = false
    for (const i of byRemainder) {
      if (left > 0 && quota[i] < layers[i].room) {
        quota[i]++
        left--
        progress = true
      }
    }
  }
  const chosen: Candidate[] = []
  layers.forEach(({ layer, s }, order) => {
    const ranked = Array.from(s, (score, index) => ({ layer, layerOrder: order, index, score })).sort(byScore)
    chosen.push(...ranked.slice(0, quota[order]))
  })
  return toPlan(chosen)
}

/** The rounding factor of one layer (1 where none is given). */
export function roundingOf(
  roundTo: number | Record<string, number> | undefined,
  layer: string,
): number {
  const n = typeof roundTo === 'number' ? roundTo : (roundTo?.[layer] ?? 1)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`roundTo of layer '${layer}' must be a positive integer, got ${n}`)
  return n
}

/** The width a layer of `units` is left with when the ranking removes `removed` of them. */
export function roundedWidth(units: number, removed: number, n: number, minUnits: number): number {
  if (removed === 0 || n === 1) return units - removed
  const least = n * Math.ceil(Math.max(1, minUnits) / n)
  const width = Math.max(least, n * Math.floor((units - removed) / n))
  return Math.min(units, width)
}

/** Per layer, the lowest-scored units down to the rounded width (see GlobalSelection.roundTo). */
function roundWidths(
  chosen: Candidate[],
  ranked: Candidate[],
  scores: ImportanceScores,
  roundTo: number | Record<string, number>,
  minUnits: number,
): Candidate[] {
  const removed = new Map<string, number>()
  for (const c of chosen) removed.set(c.layer, (removed.get(c.layer) ?? 0) + 1)
  const out: Candidate[] = []
  for (const [layer, r] of removed) {
    const units = (scores.get(layer) as Float32Array).length
    const k = units - roundedWidth(units, r, roundingOf(roundTo, layer), minUnits)
    // `ranked` is sorted by score, so its first k of this layer are the layer's k lowest
    out.push(...ranked.filter((c) => c.layer === layer).slice(0, k))
  }
  return out
}

/** floor(ratio·n) lowest-scoring units of each layer, keeping at least `minUnits`. */
export function selectPerLayer(scores: ImportanceScores, options: PerLayerSelection): RemovalPlan {
  const minUnits = options.minUnits ?? 1
  const chosen: Candidate[] = []
  let order = 0
  for (const [layer, s] of scores) {
    const ratio = typeof options.ratio === 'number' ? options.ratio : options.ratio[layer]
    order++
    if (ratio === undefined) continue
    checkRatio(ratio, `ratio of layer '${layer}'`)
    const k = Math.min(Math.floor(ratio * s.length + 1e-9), Math.max(0, s.length - minUnits))
    const ranked = Array.from(s, (score, index) => ({
      layer,
      layerOrder: order,
      index,
      score,
    })).sort(byScore)
    chosen.push(...ranked.slice(0, k))
  }
  return toPlan(chosen)
}

/** Units a plan removes in all. */
export function removedCount(plan: RemovalPlan): number {
  return Object.values(plan).reduce((a, indices) => a + indices.length, 0)
}
