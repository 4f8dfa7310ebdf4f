/**
 * The Pareto front of runs on two results, e.g. accuracy against parameters, MACs or latency:
 * the runs that no other run beats on one axis without losing on the other.
 */
import type { ParetoPoint, ParetoResult } from '../../../src-shared/contract'
import { metricDirection } from '../../../src-shared/metrics'
import type { AnalysisRun } from './run'

/**
 * For each point, whether it is on the front. A point is dominated when another is at least as
 * good on both axes and strictly better on one; equal points are both kept. O(n log n).
 */
export function paretoFront(
  points: readonly { x: number; y: number }[],
  xBetter: 'lower' | 'higher',
  yBetter: 'lower' | 'higher',
): boolean[] {
  // Both axes as costs to minimise.
  const a = points.map((p) => (xBetter === 'lower' ? p.x : -p.x))
  const b = points.map((p) => (yBetter === 'lower' ? p.y : -p.y))
  const order = points.map((_, i) => i).sort((i, j) => a[i] - a[j] || b[i] - b[j])
  const front = new Array<boolean>(points.length).fill(false)
  let bestB = Number.POSITIVE_INFINITY
  for (let start = 0; start < order.length; ) {
    let end = start
    while (end < order.length && a[order[end]] === a[order[start]]) end++
    // Within a group of equal x, only the best y can be on the front, and only if it beats every
    // point with a smaller x.
    const groupBest = b[order[start]]
    for (let k = start; k < end; k++) front[order[k]] = b[order[k]] === groupBest && groupBest < bestB
    bestB = Math.min(bestB, groupBest)
    start = end
  }
  return front
}

export type ParetoRun = Pick<AnalysisRun, 'id' | 'label' | 'role' | 'results'>

/** Points of the runs that have both results (sorted by x), each marked on or off the front. */
export function paretoOf(runs: readonly ParetoRun[], x: string, y: string): ParetoResult {
  const xBetter = metricDirection(x) ?? 'lower'
  const yBetter = metricDirection(y) ?? 'higher'
  const usable = runs.filter((r) => Number.isFinite(r.results[x]) && Number.isFinite(r.results[y]))
  const coords = usable.map((r) => ({ x: r.results[x], y: r.results[y] }))
  const front = paretoFront(coords, xBetter, yBetter)
  const points: ParetoPoint[] = usable
    .map((r, i) => ({ runId: r.id, label: r.label, role: r.role, x: coords[i].x, y: coords[i].y, front: front[i] }))
    .sort((p, q) => p.x - q.x || p.y - q.y || p.runId - q.runId)
  return { x, y, xBetter, yBetter, points }
}
