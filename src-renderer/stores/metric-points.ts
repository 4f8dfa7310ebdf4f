/** Merging pushed metric points into series (events may repeat or reorder steps). */
import type { MetricPoint } from '../../src-shared/types'

export type Points = { step: number; value: number }[]

/** Inserts or replaces points by step, keeping each series sorted; returns a new map. */
export function mergePoints(series: ReadonlyMap<string, Points>, points: readonly MetricPoint[]): Map<string, Points> {
  const next = new Map(series)
  for (const { key, step, value } of points) {
    const list = (next.get(key) ?? []).slice()
    const last = list[list.length - 1]
    if (!last || last.step < step) list.push({ step, value })
    else {
      const at = list.findIndex((p) => p.step >= step)
      if (list[at].step === step) list[at] = { step, value }
      else list.splice(at, 0, { step, value })
    }
    next.set(key, list)
  }
  return next
}
