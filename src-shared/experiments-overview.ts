/**
 * The Experiments overview's model (issue 18 item 12), pure so it is tested without a page: per
 * experiment, its runs by status, the progress and time left of the whole experiment, and its
 * best run by the headline metric.
 */
import { metricDirection } from './metrics'
import { RUN_STATUSES, TERMINAL_STATUSES, type RunStatus, type RunSummary } from './types'

export interface ExperimentOverview {
  id: number
  name: string
  runIds: number[]
  /** Runs by status (every status present, 0 where none). */
  counts: Record<RunStatus, number>
  /** 0..1: runs that ended count whole, running runs by their progress, queued runs as 0. */
  fraction: number
  /** Seconds until every run has ended at the current pace; null when it cannot be told yet. */
  etaSeconds: number | null
  best: { runId: number; label: string; key: string; value: number } | null
}

/** Roles that are references, not what the experiment makes (its best is among the others). */
const REFERENCE_ROLES = new Set(['teacher', 'parent'])

const seconds = (from: string | null, to: string | null): number | null =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : null

/** The experiment's headline metric: test mAP for detectors, test accuracy otherwise. */
function headline(runs: readonly RunSummary[]): string {
  return runs.some((r) => r.results['test.mAP'] !== undefined) ? 'test.mAP' : 'test.accuracy'
}

function bestRun(runs: readonly RunSummary[]): ExperimentOverview['best'] {
  const key = headline(runs)
  const sign = metricDirection(key) === 'lower' ? -1 : 1
  const scored = runs.filter((r) => r.status === 'finished' && Number.isFinite(r.results[key]))
  const own = scored.filter((r) => !REFERENCE_ROLES.has(r.role))
  let best: RunSummary | null = null
  for (const r of own.length ? own : scored) if (!best || sign * (r.results[key] - best.results[key]) > 0) best = r
  return best ? { runId: best.id, label: best.label, key, value: best.results[key] } : null
}

/**
 * Time left for the whole experiment: the work left (each running run's ETA, each queued run at
 * the mean length of the experiment's finished runs, or of its running ones projected to their
 * end) shared by `slots` runs at once, and never less than its longest running run.
 */
function experimentEta(runs: readonly RunSummary[], slots: number, now: number): number | null {
  const running = runs.filter((r) => r.status === 'running')
  const queued = runs.filter((r) => r.status === 'queued').length
  if (!running.length && !queued) return 0
  const lengths = runs.filter((r) => r.status === 'finished').map((r) => seconds(r.startedAt, r.finishedAt)).filter((s): s is number => s !== null)
  if (!lengths.length) {
    // No run has finished yet: a running run's length is its time so far over its progress.
    for (const r of running) {
      const elapsed = seconds(r.startedAt, new Date(now).toISOString())
      const f = r.progress?.fraction ?? 0
      if (elapsed !== null && f >= 0.05) lengths.push(elapsed / f)
    }
  }
  const perRun = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : null
  let work = 0
  let longest = 0
  for (const r of running) {
    const left = r.progress?.etaSeconds ?? (perRun !== null ? perRun * (1 - (r.progress?.fraction ?? 0)) : null)
    if (left === null) return null
    work += left
    longest = Math.max(longest, left)
  }
  if (queued) {
    if (perRun === null) return null
    work += queued * perRun
  }
  return Math.max(longest, work / Math.max(1, slots))
}

/**
 * Every experiment that has runs, newest first. `slots`: how many runs the lab trains at once
 * (at least the number running now); `now`: the clock, in ms.
 */
export function experimentsOverview(rows: readonly RunSummary[], slots: number, now: number = Date.now()): ExperimentOverview[] {
  const byExperiment = new Map<number, RunSummary[]>()
  for (const r of rows) {
    let list = byExperiment.get(r.experimentId)
    if (!list) byExperiment.set(r.experimentId, (list = []))
    list.push(r)
  }
  return [...byExperiment.entries()]
    .sort(([a], [b]) => b - a)
    .map(([id, runs]) => {
      const counts = Object.fromEntries(RUN_STATUSES.map((s) => [s, 0])) as Record<RunStatus, number>
      let done = 0
      for (const r of runs) {
        counts[r.status]++
        done += TERMINAL_STATUSES.includes(r.status) ? 1 : r.status === 'running' ? Math.min(1, r.progress?.fraction ?? 0) : 0
      }
      return {
        id,
        name: runs[0].experimentName,
        runIds: runs.map((r) => r.id).sort((a, b) => a - b),
        counts,
        fraction: done / runs.length,
        etaSeconds: experimentEta(runs, slots, now),
        best: bestRun(runs),
      }
    })
}
