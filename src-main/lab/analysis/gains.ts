/**
 * The one "gain" rule of the lab: a run's result minus that of the run it is measured against,
 * paired by seed — a distilled student against its baseline (the same student trained alone: same
 * architecture, data, training and seed), a pruned run against its unpruned parent. A mean gain
 * over seeds is the mean of these paired differences (`statistics.ts`).
 */
import type { StudentGain } from '../../../src-shared/contract'
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

/**
 * The gain over the student alone of every finished student among `runs` whose baseline (same
 * student key: model, data, training, seed; from its own experiment when there is one) finished
 * with the same quality metric.
 */
export function studentGains(runs: readonly Pick<AnalysisRun, 'id' | 'experimentId' | 'role' | 'params' | 'seed' | 'status' | 'results'>[]): StudentGain[] {
  const baselineOf = baselineFinder(runs.filter((r) => r.status === 'finished'))
  return runs.flatMap((run) => {
    if (run.role !== 'student' || run.status !== 'finished') return []
    const baseline = baselineOf(run)
    if (!baseline) return []
    const metric = Number.isFinite(run.results['test.accuracy']) ? 'test.accuracy' : 'test.mAP'
    const gain = gainOver(run, baseline, metric)
    return gain === undefined ? [] : [{ runId: run.id, baselineRunId: baseline.id, metric, gain }]
  })
}
