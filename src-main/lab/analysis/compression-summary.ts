/**
 * The compression summary of one run (`runs.summary`, issue 18 item 7): what the run did to a
 * model, read from the results the engine records and the runs it refers to.
 * - A pruned run (role `pruned`, with its parent's sizes `parent.*`): parameters, MACs, serialized
 *   bytes and latency before → after, the speed-up timed interleaved with the parent, the quality
 *   change against the parent, and units per layer before → after (the layer reports).
 * - A distilled student (role `student`): parameters, MACs and bytes of its teacher → its own, the
 *   quality change against the student trained alone (`gains.ts`, paired by seed) and the teacher.
 * - Both: the same change over the seeds of the run's configuration, with its 95 % interval
 *   (METHODS.md S1, `src-shared/stats.ts`).
 * Pure: the handler loads the runs once (`handlers/selection.ts`).
 */
import type { CompressionSummary, LayerChange, LayerPhaseReport, QualityChange, SeedChange, SummaryFigure } from '../../../src-shared/contract'
import { metricInfo } from '../../../src-shared/metrics'
import { pairedDifference, type SeedPair } from '../../../src-shared/stats'
import { baselineFinder } from './gains'
import { configurationLabel } from './matrix'
import type { AnalysisRun } from './run'

/** What the summary reads of the runs around the one summarised. */
export interface SummaryContext {
  /** Its parent, teacher and the students alone it may be measured against. */
  related: readonly AnalysisRun[]
  /** The other runs of its experiment (the seeds of its configuration among them). */
  siblings: readonly AnalysisRun[]
  layers: readonly LayerPhaseReport[]
}

const PRUNED_SIZES = ['params', 'params.nonzero', 'macs', 'serialized.bytes', 'sparse.bytes', 'latency.ms']
const MODEL_SIZES = ['params', 'macs', 'model.bytes']

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v)

/** `test.mAP` for a detector, `test.accuracy` otherwise. */
export function qualityMetric(results: Readonly<Record<string, number>>): string {
  return finite(results['test.mAP']) && !finite(results['test.accuracy']) ? 'test.mAP' : 'test.accuracy'
}

/** A pruned run reports its parent's size (a sensitivity scan reports it too, but prunes nothing it keeps). */
export function isPrunedRun(run: Pick<AnalysisRun, 'role' | 'method' | 'results'>): boolean {
  return run.role === 'pruned' && run.method !== 'sensitivity' && finite(run.results['parent.params']) && finite(run.results.params)
}

function figure(key: string, before: number | undefined, after: number | undefined): SummaryFigure {
  return { key, label: metricInfo(key)?.label ?? key, before: finite(before) ? before : null, after: finite(after) ? after : null }
}

function prunedFigures(r: Readonly<Record<string, number>>): SummaryFigure[] {
  // Non-zero parameters only say something when they differ from the parameters (unstructured pruning).
  return PRUNED_SIZES.filter((k) => finite(r[k]) && (k !== 'params.nonzero' || r[k] !== r.params)).map((k) => figure(k, r[`parent.${k}`], r[k]))
}

/** Units of each prunable layer before → after (layers present in both reports). */
export function layerChanges(layers: readonly LayerPhaseReport[]): LayerChange[] {
  const before = layers.find((l) => l.phase === 'before')?.layers ?? []
  const after = new Map((layers.find((l) => l.phase === 'after')?.layers ?? []).map((l) => [l.name, l]))
  return before.flatMap((b) => {
    const a = after.get(b.name)
    return b.units !== null && a && a.units !== null ? [{ name: b.name, kind: b.kind, before: b.units, after: a.units }] : []
  })
}

function change(metric: string, against: QualityChange['against'], runId: number | null, reference: number | undefined, value: number | undefined): QualityChange[] {
  return finite(reference) && finite(value) ? [{ metric, against, runId, reference, value, change: value - reference }] : []
}

function overSeeds(metric: string, against: SeedChange['against'], pairs: SeedPair[]): SeedChange[] {
  const d = pairedDifference(pairs)
  return d.n >= 2 ? [{ ...d, metric, against }] : []
}

/** The summary of `run` (see the file comment). */
export function compressionSummary(run: AnalysisRun, ctx: SummaryContext): CompressionSummary {
  const r = run.results
  const metric = qualityMetric(r)
  const task = metric === 'test.mAP' ? 'detection' : 'classification'
  const byId = new Map([...ctx.related, ...ctx.siblings].map((x) => [x.id, x]))
  const configuration = configurationLabel(run.label)
  const seeds = ctx.siblings.filter(
    (s) => s.status === 'finished' && s.role === run.role && s.experimentId === run.experimentId && configurationLabel(s.label) === configuration,
  )
  if (!seeds.some((s) => s.id === run.id) && run.status === 'finished') seeds.push(run)
  const base: CompressionSummary = { runId: run.id, kind: null, task, before: null, figures: MODEL_SIZES.filter((k) => finite(r[k])).map((k) => figure(k, undefined, r[k])), speedup: null, quality: [], overSeeds: [], layers: [] }

  if (isPrunedRun(run)) {
    return {
      ...base,
      kind: 'pruning',
      before: { role: 'parent', runId: run.parentRunId },
      figures: prunedFigures(r),
      speedup: finite(r.speedup) ? r.speedup : null,
      quality: change(metric, 'parent', run.parentRunId, r[`parent.${metric}`], r[metric]),
      overSeeds: overSeeds(metric, 'parent', seeds.map((s) => ({ seed: s.seed, variant: s.results[metric], baseline: s.results[`parent.${metric}`] }))),
      layers: layerChanges(ctx.layers),
    }
  }
  if (run.role !== 'student') return base

  const teacher = run.teacherRunId !== null ? byId.get(run.teacherRunId) : undefined
  const baselineOf = baselineFinder([...ctx.related, ...ctx.siblings])
  const baseline = baselineOf(run)
  const teacherValue = (s: AnalysisRun): number | undefined => s.results[`teacher.${metric}`] ?? (s.teacherRunId !== null ? byId.get(s.teacherRunId)?.results[metric] : undefined)
  return {
    ...base,
    kind: 'distillation',
    before: teacher ? { role: 'teacher', runId: teacher.id } : null,
    figures: MODEL_SIZES.filter((k) => finite(r[k])).map((k) => figure(k, teacher?.results[k], r[k])),
    quality: [
      ...change(metric, 'student alone', baseline?.id ?? null, baseline?.results[metric], r[metric]),
      ...change(metric, 'teacher', teacher?.id ?? null, teacherValue(run), r[metric]),
    ],
    overSeeds: [
      ...overSeeds(metric, 'student alone', seeds.flatMap((s) => {
        const b = baselineOf(s)
        return b ? [{ seed: s.seed, variant: s.results[metric], baseline: b.results[metric] }] : []
      })),
      ...overSeeds(metric, 'teacher', seeds.flatMap((s) => {
        const t = teacherValue(s)
        return t !== undefined ? [{ seed: s.seed, variant: s.results[metric], baseline: t }] : []
      })),
    ],
  }
}
