/**
 * The generic iterative ranking-based pruning loop (METHODS P1; Molchanov et al. 2017, §2): score
 * units → remove the lowest (global ranking) → fine-tune → evaluate, repeated over a schedule of
 * removal counts, stopping early below an accuracy floor. A report follows every step: metric,
 * params, non-zero params, MACs and, given an input batch, latency. Each step's model is a new,
 * smaller model; the input model is not modified and intermediate models are disposed.
 */
import type * as tf from '@tensorflow/tfjs'
import { scoreGroups, type GroupReduction } from './group-scores'
import type { ImportanceContext, ImportanceScorer, ImportanceScores } from './importance/types'
import { keepEveryOwner } from './keep-owners'
import { inferenceLatency, measureModel } from './measure'
import { removedCount, selectGlobal, selectProportional } from './select'
import { analyzeStructure } from './structure'
import { removeUnits, type RemovalPlan } from './surgery'

/** What the loop reports after each step (step 0 = the unpruned model). */
export interface PruneStepReport {
  step: number
  /** Units removed at this step, by layer. */
  plan: RemovalPlan
  removed: number
  totalRemoved: number
  metric: number
  params: number
  nonZeroParams: number
  macs: number
  latencyMs: number | null
}

/** Options of the iterative pruning loop. */
export interface IterativePruningOptions {
  model: tf.LayersModel
  scorer: ImportanceScorer
  /** What the scorer needs besides the model (data, loss, seed). */
  context?: Omit<ImportanceContext, 'model' | 'structure'>
  /** Units to remove at each step, e.g. `iterativeCounts(total, k)`. */
  steps: number[]
  /** Normalise each layer's scores before they are aggregated per group (default true; group-scores.ts). */
  normalize?: boolean
  /** How a group's unit score aggregates its layers' (default sum). */
  groupReduction?: GroupReduction
  /** Rank all groups' units together (default) or remove from each group in proportion to its width. */
  ranking?: 'global' | 'layer'
  /** At most this fraction of each group's units (of the input model) is removed in all (default 1). */
  maxRatioPerLayer?: number
  minUnits?: number
  /** Widths kept at multiples of N, per layer or for all (see GlobalSelection.roundTo). */
  roundTo?: number | Record<string, number>
  /** A few updates of fine-tuning after each removal (Molchanov: 10–30 minibatches). */
  fineTune?: (model: tf.LayersModel, step: number) => Promise<void>
  evaluate: (model: tf.LayersModel) => Promise<number>
  /** Stop when the metric drops below this floor; the last model above it is returned. */
  minMetric?: number
  /** A batch to time `predict` on after each step. */
  latencyInput?: tf.Tensor
  onStep?: (report: PruneStepReport) => void
  /** Checked between steps; an aborted loop ends with the model reached so far. */
  signal?: AbortSignal
}

/** Result of the loop: the final model (caller owns it), every report and why it stopped. */
export interface IterativePruningResult {
  model: tf.LayersModel
  reports: PruneStepReport[]
  stoppedBy: 'schedule' | 'accuracy-floor' | 'nothing-left' | 'aborted'
  /** Each group's mean unit score at the last ranking (of the units it had then). */
  groupScores: Map<string, number>
}

/** Each group's mean unit score. */
export function meanScores(scores: ImportanceScores): Map<string, number> {
  return new Map([...scores].map(([g, s]) => [g, s.reduce((a, v) => a + v, 0) / Math.max(1, s.length)]))
}

/** Per group, the units it may still lose: floor(maxRatio·width in the input model) less those gone. */
function remainingCaps(original: Map<string, number>, current: Map<string, number>, maxRatio: number): Record<string, number> {
  const caps: Record<string, number> = {}
  for (const [g, units] of original) caps[g] = Math.floor(maxRatio * units + 1e-9) - (units - (current.get(g) ?? units))
  return caps
}

async function report(
  model: tf.LayersModel,
  step: number,
  plan: RemovalPlan,
  totalRemoved: number,
  metric: number,
  input: tf.Tensor | undefined,
): Promise<PruneStepReport> {
  const m = await measureModel(model)
  const latencyMs = input === undefined ? null : (await inferenceLatency(model, input)).medianMs
  return {
    step,
    plan,
    removed: removedCount(plan),
    totalRemoved,
    metric,
    params: m.params,
    nonZeroParams: m.nonZeroParams,
    macs: m.macs,
    latencyMs,
  }
}

/** Runs score → remove → fine-tune → evaluate over the schedule. */
export async function iterativePruning(
  options: IterativePruningOptions,
): Promise<IterativePruningResult> {
  const reports: PruneStepReport[] = []
  const emit = (r: PruneStepReport): void => {
    reports.push(r)
    options.onStep?.(r)
  }
  let current = await removeUnits(options.model, {}) // a private copy: fine-tuning must not touch the input
  let totalRemoved = 0
  emit(await report(current, 0, {}, 0, await options.evaluate(current), options.latencyInput))
  let stoppedBy: IterativePruningResult['stoppedBy'] = 'schedule'
  let groupScores = new Map<string, number>()
  const widths = (s: ReturnType<typeof analyzeStructure>): Map<string, number> => new Map(s.prunable.map((g) => [g.name, g.units]))
  const original = widths(analyzeStructure(current))
  for (let i = 0; i < options.steps.length; i++) {
    if (options.signal?.aborted === true) {
      stoppedBy = 'aborted'
      break
    }
    const structure = analyzeStructure(current)
    const scores = await scoreGroups(options.scorer, { ...options.context, model: current, structure }, {
      reduction: options.groupReduction,
      normalize: options.normalize,
    })
    groupScores = meanScores(scores)
    const maxRemove = options.maxRatioPerLayer === undefined ? undefined : remainingCaps(original, widths(structure), options.maxRatioPerLayer)
    const selected =
      options.ranking === 'layer'
        ? selectProportional(scores, { count: options.steps[i], minUnits: options.minUnits, maxRemove })
        : selectGlobal(scores, {
            count: options.steps[i],
            minUnits: options.minUnits,
            normalize: false, // each layer was normalised before the group aggregate
            roundTo: options.roundTo,
            maxRemove,
          })
    const plan = keepEveryOwner(selected, structure, scores)
    if (removedCount(plan) === 0) {
      stoppedBy = 'nothing-left'
      break
    }
    const next = await removeUnits(current, plan, structure)
    if (options.fineTune !== undefined) await options.fineTune(next, i + 1)
    const metric = await options.evaluate(next)
    const r = await report(
      next,
      i + 1,
      plan,
      totalRemoved + removedCount(plan),
      metric,
      options.latencyInput,
    )
    if (options.minMetric !== undefined && metric < options.minMetric) {
      emit(r)
      next.dispose()
      stoppedBy = 'accuracy-floor'
      break
    }
    current.dispose()
    current = next
    totalRemoved = r.totalRemoved
    emit(r)
  }
  return { model: current, reports, stoppedBy, groupScores }
}
