/**
 * Method `prune`: iterative ranking-based structured pruning (METHODS P1) with Molchanov et al.'s
 * protocol (ICLR 2017, §2, METHODS P2), for every task: starting from the fine-tuned parent,
 * repeat — recompute the criterion on a few minibatches of training data (Taylor differentiates
 * the task's loss: cross-entropy, or the YOLO loss), remove the `unitsPerStep` lowest-ranked units
 * (global ranking after the layer-wise L2 normalisation of eq. (8)), make `fineTuneSteps`
 * minibatch updates — until the target (ratio of units, MACs, params or units) is reached, or
 * stop before the task's metric (accuracy, mAP) would fall below the floor. Then `finalEpochs` of
 * fine-tuning, on the labels or, with `recover: 'distill'`, from the parent as teacher
 * (prune-then-distill; Hinton et al. 2015 on classifiers, Mehta–Ozturk on detectors). Every step
 * streams the metric, params, MACs, removed units and latency; the pruned model is physically
 * smaller (surgery, not masks).
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { iterativePruning, type PruneStepReport } from '../prune/prune-loop'
import { checkCriterion, groupRoundTo, pruneSchedule, pruneScorer, reseeded, resolveLayers, stopReason } from '../prune/protocol'
import type { ImportanceScorer } from '../prune/importance/types'
import type { RunTask, TaskTeacher } from '../tasks'
import { yieldToEventLoop } from '../train/progress-throttle'
import type { MethodExecutor, RunContext, SinkWithLayers } from './context'
import {
  criterionBatches,
  finalTraining,
  finishPruned,
  LATENCY_BATCH,
  minibatchFineTuner,
  parentStructure,
  reportParent,
  withParent,
} from './pruned-run'

type PruneMethod = Extract<RunMethod, { kind: 'prune' }>

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

export const executePrune: MethodExecutor<PruneMethod> = (ctx) => {
  const m = ctx.config.method
  const scorer = pruneScorer(m.criterion, m.flopsLambda)
  return withParent(ctx, (parent, task) => pruneParent(ctx, parent, task, scorer))
}

async function pruneParent(ctx: RunContext<PruneMethod>, parent: tf.LayersModel, task: RunTask, scorer: ImportanceScorer): Promise<void> {
  const { config, sink } = ctx
  const m = config.method
  let pruned: tf.LayersModel | null = null
  const x = task.inputBatch(LATENCY_BATCH)
  try {
    const structure = parentStructure(ctx, parent)
    const layers = resolveLayers(structure, m.layers, 'method.layers')
    checkCriterion(m.criterion, layers, task.modelText(), task.batchNormHint)
    const steps = await pruneSchedule(parent, structure, layers, m)
    const roundTo = groupRoundTo(structure, m.roundTo)
    const before = await reportParent(ctx, parent)
    const units = layers.reduce((a, l) => a + l.units, 0)
    const coupled = layers.filter((g) => g.producers.length > 1 || g.owners.length > 1).length
    sink.log(
      'info',
      `pruning ${m.criterion}: up to ${steps.reduce((a, b) => a + b, 0)} of ${units} units of ${layers.length} groups ` +
        `(${coupled} coupling several layers; group score: ${m.groupReduction}, ranked ${m.ranking}` +
        `${m.maxRatioPerLayer < 1 ? `, at most ${m.maxRatioPerLayer} of a group` : ''}), ` +
        `${m.unitsPerStep} per step${m.roundTo === 1 ? '' : ` (widths rounded to multiples of ${JSON.stringify(m.roundTo)})`}, ` +
        `${m.fineTuneSteps} fine-tuning updates between steps; metric: test ${task.metric}`,
    )

    const teacher: TaskTeacher | undefined =
      m.recover === 'distill'
        ? { model: parent, ...(m.temperature !== undefined ? { temperature: m.temperature } : {}), ...(m.alpha !== undefined ? { alpha: m.alpha } : {}) }
        : undefined
    if (teacher) sink.log('info', `recovery: distillation from the parent, ${task.distillText(teacher)}`)
    const fineTune = minibatchFineTuner(ctx, config.seed)
    const stop = new AbortController()
    const reached = (r: PruneStepReport): boolean =>
      (m.target.macs !== undefined && r.macs <= m.target.macs * before.macs) ||
      (m.target.params !== undefined && r.params <= m.target.params * before.params)
    const onStep = pruneStepReporter({ sink, steps: steps.length, metricKey: `test.${task.metric}`, reached, stop })
    const result = await iterativePruning({
      model: parent,
      scorer: reseeded(scorer, config.seed),
      context: {
        layers: layers.map((l) => l.name),
        data: criterionBatches(ctx, config.seed),
        loss: task.scoringLoss,
        seed: config.seed,
      },
      steps,
      minUnits: m.minUnits,
      roundTo,
      groupReduction: m.groupReduction,
      ranking: m.ranking,
      maxRatioPerLayer: m.maxRatioPerLayer,
      fineTune: async (model) => {
        await fineTune(model, m.fineTuneSteps, teacher)
        await yieldToEventLoop()
      },
      evaluate: async (model) => (await task.evaluate(model)).metric,
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
      `stopped after ${kept.step} steps (${stopReason(result.stoppedBy, m.target.accuracyFloor, task.metric)}): ${kept.totalRemoved} units removed, ` +
        `test ${task.metric} before the final ${teacher ? 'distillation' : 'fine-tuning'} ${(kept.metric * 100).toFixed(2)} %`,
    )

    const trained = await finalTraining(ctx, pruned, m.finalEpochs, teacher ? { teacher } : {})
    const extra = loopResults(`pruned.test.${task.metric}`, kept, units, result.stoppedBy)
    await finishPruned(ctx, { parent, before, model: pruned, trainings: [trained], extra, groupScores: result.groupScores })
  } finally {
    x.dispose()
    pruned?.dispose()
  }
}
