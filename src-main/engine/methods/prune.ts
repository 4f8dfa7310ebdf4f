/**
 * Method `prune`: iterative ranking-based structured pruning (METHODS P1) with Molchanov et al.'s
 * protocol (ICLR 2017, §2, METHODS P2): starting from the fine-tuned parent, repeat — recompute the
 * criterion on a few minibatches of training data, remove the `unitsPerStep` lowest-ranked units
 * (global ranking after the layer-wise L2 normalisation of eq. (8)), make `fineTuneSteps`
 * minibatch updates — until the target (ratio of units, MACs, params or units) is reached, or
 * stop before the test accuracy would fall below the floor. Then `finalEpochs` of fine-tuning,
 * on the labels or, with `recover: 'distill'`, with the Hinton loss from the parent as teacher
 * (prune-then-distill; Hinton et al. 2015, METHODS D4). Every step streams accuracy, params, MACs,
 * removed units and latency; the pruned model is physically smaller (surgery, not masks).
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { hintonObjective } from '../distill/hinton-objective'
import { modelStats } from '../models/layer-report'
import type { ImportanceScorer } from '../prune/importance/types'
import { iterativePruning, type PruneStepReport } from '../prune/prune-loop'
import { iterativeCounts } from '../prune/schedules'
import type { PrunableLayer, PruneStructure } from '../prune/structure'
import type { RemovalPlan } from '../prune/surgery'
import { deriveSeed } from '../random/seeded-rng'
import { crossEntropyLoss } from '../train/cross-entropy'
import type { TrainLoss } from '../train/train-loss'
import { evaluateOnTest, round, trainWithSink, type MethodExecutor, type SinkWithLayers } from './context'
import {
  checkCriterion,
  finishPruned,
  latencyInput,
  loadParent,
  minibatchFineTuner,
  parentStructure,
  pruneScorer,
  removableUnits,
  reportParent,
  resolveLayers,
  scoringBatches,
  scoringLoss,
  yieldToEventLoop,
  type ModelReport,
} from './prune-common'
import { removeUnits } from '../prune/surgery'

type PruneMethod = Extract<RunMethod, { kind: 'prune' }>

/**
 * A scorer whose seed changes at every call, so `random` draws new scores at each step (and any
 * seeded criterion is reproducible from the run seed).
 */
export function reseeded(scorer: ImportanceScorer, seed: number): ImportanceScorer {
  let calls = 0
  return {
    name: scorer.name,
    needsData: scorer.needsData,
    score: (ctx) => scorer.score({ ...ctx, seed: deriveSeed(seed, `prune/score-${calls++}`) }),
  }
}

/**
 * Units to remove at each step, from the count-based targets (ratio, units) or, when only MACs,
 * params or an accuracy floor are set, everything removable (the loop stops at the target).
 * Targets that cannot be met without emptying a layer are refused here, before any work.
 */
export async function pruneSchedule(
  parent: tf.LayersModel,
  structure: PruneStructure,
  layers: readonly PrunableLayer[],
  m: Pick<PruneMethod, 'target' | 'unitsPerStep' | 'minUnits'> & { roundTo?: PruneMethod['roundTo'] },
): Promise<number[]> {
  const total = layers.reduce((a, l) => a + l.units, 0)
  if (m.roundTo !== undefined && typeof m.roundTo !== 'number') {
    const pruned = new Set(layers.map((l) => l.name))
    const unknown = Object.keys(m.roundTo).filter((name) => !pruned.has(name))
    if (unknown.length > 0) {
      throw new Error(
        `method.roundTo names ${unknown.map((n) => `'${n}'`).join(', ')}, not among the pruned layers: ${layers.map((l) => `'${l.name}'`).join(', ')}`,
      )
    }
  }
  const removable = removableUnits(layers, m.minUnits)
  const names = layers.map((l) => `'${l.name}' (${l.units})`).join(', ')
  const keep = `each of the ${layers.length} pruned layers [${names}] keeps at least minUnits = ${m.minUnits}`
  if (removable === 0) throw new Error(`nothing can be removed: ${keep}`)
  const { target } = m
  const counts: number[] = []
  if (target.ratio !== undefined) {
    const n = Math.floor(target.ratio * total + 1e-9)
    if (n === 0) throw new Error(`target.ratio ${target.ratio} of ${total} prunable units removes none`)
    if (n > removable) {
      throw new Error(
        `target.ratio ${target.ratio} would remove ${n} of ${total} units, which would remove every unit of a layer: ` +
          `${keep}, so at most ${removable} (a ratio of ${(removable / total).toFixed(3)}) can go`,
      )
    }
    counts.push(n)
  }
  if (target.units !== undefined) {
    if (target.units > removable) {
      throw new Error(
        `target.units ${target.units} would remove every unit of a layer: ${keep}, so at most ${removable} of ${total} can go`,
      )
    }
    counts.push(target.units)
  }
  if (target.macs !== undefined || target.params !== undefined) {
    // The smallest model the pruning can reach: every pruned layer down to minUnits.
    const plan: RemovalPlan = {}
    for (const l of layers) if (l.units > m.minUnits) plan[l.name] = Array.from({ length: l.units - m.minUnits }, (_, i) => i)
    const smallest = await removeUnits(parent, plan, structure)
    const { macs: minMacs, params: minParams } = modelStats(smallest)
    smallest.dispose()
    const { macs, params } = modelStats(parent)
    for (const [key, fraction, least, full] of [
      ['macs', target.macs, minMacs, macs],
      ['params', target.params, minParams, params],
    ] as const) {
      if (fraction !== undefined && least > fraction * full) {
        throw new Error(
          `target.${key} ${fraction} (${round(fraction * full, 0)} of ${round(full, 0)} ${key === 'macs' ? 'MACs' : 'parameters'}) ` +
            `cannot be reached without removing every unit of a layer: when ${keep}, the model still has ${round(least, 0)}`,
        )
      }
    }
  }
  return iterativeCounts(counts.length > 0 ? Math.min(...counts) : removable, m.unitsPerStep)
}

/**
 * Streams each pruning step (the metric under `metricKey`, params, MACs, removed units, latency)
 * with progress and an ETA, and aborts the loop once `reached` says a MACs/params target is met.
 */
export function pruneStepReporter(o: {
  sink: SinkWithLayers
  steps: number
  metricKey: string
  reached: (r: PruneStepReport) => boolean
  stop: AbortController
}): (r: PruneStepReport) => void {
  const started = performance.now()
  return (r) => {
    const points = [
      { key: o.metricKey, value: r.metric },
      { key: 'params', value: r.params },
      { key: 'params.nonzero', value: r.nonZeroParams },
      { key: 'macs', value: r.macs },
      { key: 'removed', value: r.totalRemoved },
      ...(r.latencyMs !== null ? [{ key: 'latency.ms', value: r.latencyMs }] : []),
    ]
    o.sink.metrics(points.map((p) => ({ ...p, step: r.step })))
    const elapsed = (performance.now() - started) / 1000
    o.sink.progress({
      phase: 'prune',
      epoch: r.step,
      epochs: o.steps,
      step: r.step,
      steps: o.steps,
      fraction: r.step / o.steps,
      etaSeconds: r.step > 0 ? (elapsed / r.step) * (o.steps - r.step) : null,
    })
    if (r.step > 0 && o.reached(r)) o.stop.abort()
  }
}

/** What the iterative loop adds to a run's results: the metric before the final training, units removed, steps, stop. */
export function loopResults(metricKey: string, kept: PruneStepReport, units: number, stoppedBy: string): Record<string, number> {
  return {
    [metricKey]: kept.metric,
    removed: kept.totalRemoved,
    'prune.steps': kept.step,
    'units.before': units,
    'units.after': units - kept.totalRemoved,
    'stopped.accuracyFloor': stoppedBy === 'accuracy-floor' ? 1 : 0,
  }
}

/** Why the iterative loop stopped, in words (`metric`: what the floor is on). */
export function stopReason(stoppedBy: 'schedule' | 'aborted' | 'accuracy-floor' | 'nothing-left', floor: number | undefined, metric: string): string {
  if (stoppedBy === 'accuracy-floor') return `the next step fell below the ${metric} floor ${floor}`
  if (stoppedBy === 'nothing-left') return 'every pruned layer is down to minUnits (or the least multiple of roundTo)'
  return 'the target was reached'
}

export const executePrune: MethodExecutor<PruneMethod> = async (ctx) => {
  const { config, sink } = ctx
  const m = config.method
  const scorer = pruneScorer(m.criterion, m.flopsLambda)
  const parent = await loadParent(ctx)
  let pruned: tf.LayersModel | null = null
  const x = latencyInput(ctx)
  try {
    const structure = parentStructure(ctx, parent)
    const layers = resolveLayers(structure, m.layers, 'method.layers')
    checkCriterion(ctx, m.criterion, layers)
    const steps = await pruneSchedule(parent, structure, layers, m)
    const before: ModelReport = await reportParent(ctx, parent)
    const units = layers.reduce((a, l) => a + l.units, 0)
    sink.log(
      'info',
      `pruning ${m.criterion}: up to ${steps.reduce((a, b) => a + b, 0)} of ${units} units of ${layers.length} layers, ` +
        `${m.unitsPerStep} per step${m.roundTo === 1 ? '' : ` (widths rounded to multiples of ${JSON.stringify(m.roundTo)})`}, ` +
        `${m.fineTuneSteps} fine-tuning updates between steps`,
    )

    const loss: TrainLoss =
      m.recover === 'distill' ? hintonObjective(parent, { temperature: m.temperature, alpha: m.alpha }) : crossEntropyLoss
    const fineTune = minibatchFineTuner(ctx, config.seed)
    const stop = new AbortController()
    const reached = (r: PruneStepReport): boolean =>
      (m.target.macs !== undefined && r.macs <= m.target.macs * before.macs) ||
      (m.target.params !== undefined && r.params <= m.target.params * before.params)
    const onStep = pruneStepReporter({ sink, steps: steps.length, metricKey: 'test.accuracy', reached, stop })
    const result = await iterativePruning({
      model: parent,
      scorer: reseeded(scorer, config.seed),
      context: {
        layers: layers.map((l) => l.name),
        data: scoringBatches(ctx, config.seed),
        loss: scoringLoss,
        seed: config.seed,
      },
      steps,
      minUnits: m.minUnits,
      roundTo: m.roundTo,
      fineTune: async (model) => {
        await fineTune(model, m.fineTuneSteps, loss)
        await yieldToEventLoop()
      },
      evaluate: async (model) => (await evaluateOnTest(ctx, model)).accuracy,
      minMetric: m.target.accuracyFloor,
      latencyInput: x,
      onStep,
      signal: stop.signal,
    })
    pruned = result.model
    // The accuracy-floor step was reported but not kept: the model is the one before it.
    const kept = result.reports[result.reports.length - (result.stoppedBy === 'accuracy-floor' ? 2 : 1)]
    sink.log(
      result.stoppedBy === 'accuracy-floor' || result.stoppedBy === 'nothing-left' ? 'warn' : 'info',
      `stopped after ${kept.step} steps (${stopReason(result.stoppedBy, m.target.accuracyFloor, 'accuracy')}): ${kept.totalRemoved} units removed, ` +
        `test accuracy before the final fine-tuning ${(kept.metric * 100).toFixed(2)} %`,
    )

    const trained =
      m.finalEpochs > 0
        ? await trainWithSink(ctx, {
            model: pruned,
            loss,
            phase: m.recover === 'distill' ? 'distill' : 'finetune',
            training: { ...config.training, epochs: m.finalEpochs },
            metricPrefix: 'finetune.',
          })
        : null
    await finishPruned(ctx, {
      parent,
      parentReport: before,
      model: pruned,
      trained,
      extra: loopResults('pruned.test.accuracy', kept, units, result.stoppedBy),
    })
  } finally {
    x.dispose()
    pruned?.dispose()
    parent.dispose()
  }
}
