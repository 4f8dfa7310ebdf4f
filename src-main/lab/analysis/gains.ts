/**
 * The one "gain" rule of the lab: a run's result minus that of the run it is measured against,
 * paired by seed — a distilled student against its baseline (the same student trained alone: same
 * architecture, data, training and seed), a pruned run against its unpruned parent. A mean gain
 * over seeds is the mean of these paired differences (`statistics.ts`).
 */
import { metricDirection } from '../../../src-shared/metrics'
import { stableStringify } from '../../../src-shared/spec/expand'
import type { AnalysisRun } from './run'

/** What a student and its baseline share: model, data and training settings, and the seed. */
export function studentKey(run: Pick<AnalysisRun, 'params' | 'seed'>): string {
  const own = Object.entries(run.params).filter(([k]) => /^(model|dataset|training)\./.test(k))
  return stableStringify({ ...Object.fromEntries(own), seed: run.seed })
}

/** `run`'s result `key` minus `reference`'s; undefined unless both are finite. */
export function gainOver(
  run: Pick<AnalysisRun, 'results'>,
  reference: Pick<AnalysisRun, 'results'>,
  key: string,
): number | undefined {
  const v = run.results[key]
  const r = reference.results[key]
  return Number.isFinite(v) && Number.isFinite(r) ? v - r : undefined
}

/** `gain.<key>` for every result of `run` that has a direction and a value in `reference`. */
export function pairedGains(
  run: Pick<AnalysisRun, 'results'>,
  reference: Pick<AnalysisRun, 'results'>,
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of Object.keys(run.results)) {
    const g = metricDirection(k) ? gainOver(run, reference, k) : undefined
    if (g !== undefined) out[`gain.${k}`] = g
  }
  return out
}

type BaselineRun = Pick<AnalysisRun, 'id' | 'experimentId' | 'role' | 'params' | 'seed'>

/**
 * Finds a student's baseline among `runs` (those with role `baseline`): the same student key,
 * from the same launch when one is there.
 */
export function baselineFinder<R extends BaselineRun>(runs: Iterable<R>): (student: BaselineRun) => R | undefined {
  const byKey = new Map<string, R[]>()
  for (const r of runs) {
    if (r.role !== 'baseline') continue
    const key = studentKey(r)
    byKey.set(key, [...(byKey.get(key) ?? []), r])
  }
  return (student) => {
    const candidates = byKey.get(studentKey(student)) ?? []
    return candidates.find((b) => b.experimentId === student.experimentId) ?? candidates[0]
  }
}
