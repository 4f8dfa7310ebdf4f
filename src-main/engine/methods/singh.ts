/**
 * Method `singh`, for every task: the multi-layer pruning framework of Singh, Manikandan, Matiyali,
 * Namboodiri, WACV 2019 (METHODS P3), phase by phase (the paper prunes SSD in 4 phases of layers; the default
 * here is one phase per prunable layer, from the last — the paper found later layers prune with
 * less loss). Each phase:
 *  1. sparsity-inducing training: task loss + λ·Σ|w| over the phase's kernels and the kernels of
 *     the layers that read them (the l+1 layers, whose input statistics step 2 reads);
 *  2. ONE global threshold for that layer set, the largest |w| quantile whose zeroing keeps
 *     the task's validation metric (accuracy, mAP) within `tolerance` (validation split held out of
 *     the training data);
 *  3. filter selection from the statistics of layer l AND l+1: a filter goes when at least
 *     `cutoff` of its own weights, or of its input weights in l+1, are zero;
 *  4. those filters and the matching inputs of l+1 are removed (surgery);
 *  5. retraining with the original loss (no L1) for `retrainEpochs`.
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { measureModel } from '../prune/measure'
import { resolveLayers } from '../prune/protocol'
import { removedCount } from '../prune/select'
import { globalThreshold, l1Penalty, selectByLayerStatistics, zeroBelowThreshold } from '../prune/sparsity'
import { analyzeStructure, prunableLayer, type PruneGroup, type PruneStructure } from '../prune/structure'
import { removeUnits } from '../prune/surgery'
import type { TrainResult } from '../train/epoch-loop'
import { yieldToEventLoop } from '../train/progress-throttle'
import type { MethodExecutor } from './context'
import { finishPruned, parentStructure, reportParent, withParent } from './pruned-run'

type SinghMethod = Extract<RunMethod, { kind: 'singh' }>

/** The phases a spec asks for (validated), or one phase per prunable layer from the last. */
export function singhPhases(layers: readonly PruneGroup[], phases: readonly string[][] | undefined, resolve: (names: string[], field: string) => PruneGroup[]): string[][] {
  if (phases === undefined) return [...layers].reverse().map((l) => [l.name])
  const seen = new Set<string>()
  return phases.map((names, i) => {
    const resolved = resolve(names, `method.phases[${i}]`)
    for (const l of resolved) {
      if (seen.has(l.name)) throw new Error(`method.phases: layer '${l.name}' is in more than one phase`)
      seen.add(l.name)
    }
    return resolved.map((l) => l.name)
  })
}

/**
 * The phase's groups' layers with kernels (their Dense/Conv2D and depthwise layers) and the layers
 * reading them (the l+1 layers: a group's consumers).
 */
function sparsityLayerSet(phase: readonly PruneGroup[]): string[] {
  const set = new Set<string>()
  for (const g of phase) {
    for (const o of g.owners) set.add(o.name)
    for (const c of g.consumers) set.add(c.layer)
  }
  return [...set]
}

/**
 * How a threshold candidate is judged: `evaluate` of the zeroed model (METHODS P3 as written), or,
 * with `toleranceOn: 'pruned'`, of the model without the filters that this threshold would remove
 * (the l / l+1 selection at `cutoff`), built by surgery and released after.
 */
export function thresholdMetric(o: {
  toleranceOn: 'zeroed' | 'pruned'
  layers: readonly string[]
  cutoff: number
  structure: PruneStructure
  evaluate: (model: tf.LayersModel) => Promise<number>
}): (zeroed: tf.LayersModel) => Promise<number> {
  if (o.toleranceOn === 'zeroed') return o.evaluate
  return async (zeroed) => {
    const { remove } = await selectByLayerStatistics(zeroed, { layers: [...o.layers], cutoff: o.cutoff, minUnits: 1, structure: o.structure })
    if (removedCount(remove) === 0) return o.evaluate(zeroed)
    const pruned = await removeUnits(zeroed, remove, o.structure)
    try {
      return await o.evaluate(pruned)
    } finally {
      pruned.dispose()
    }
  }
}

/** A phase's layers in the current model's structure, and its L1 layer set (l and the l+1 readers). */
export function phaseLayerSet(model: tf.LayersModel, names: readonly string[]): { structure: PruneStructure; l1Set: string[] } {
  const structure = analyzeStructure(model)
  const layers = names.map((name) => prunableLayer(structure, name))
  return { structure, l1Set: sparsityLayerSet(layers) }
}

export const executeSingh: MethodExecutor<SinghMethod> = async (ctx) => {
  const { config, sink } = ctx
  const m = config.method
  await withParent(ctx, async (parent, task) => {
    let model: tf.LayersModel | null = null
    try {
      const structure = parentStructure(ctx, parent)
      const phases = singhPhases(structure.prunable, m.phases, (names, field) => resolveLayers(structure, names, field))
      const { train, validation } = task.holdOut(m.validationFraction, 'singh/validation')
      const before = await reportParent(ctx, parent)
      sink.log(
        'info',
        `Singh et al. 2019: ${phases.length} phases (${phases.map((p) => p.join('+')).join(' → ')}), λ = ${m.l1}, ` +
          `tolerance ${m.tolerance} ${task.metric} (on the ${m.toleranceOn} model), cut-off ${m.cutoff}; ` +
          `${train.n} training / ${validation.n} validation ${task.unit}s`,
      )
      const onValidation = async (x: tf.LayersModel): Promise<number> => (await task.evaluate(x, validation)).metric

      model = await removeUnits(parent, {}) // a private copy: the parent stays the reference
      let epochOffset = 0
      let removedTotal = 0
      const trainings: TrainResult[] = []
      // A phase's training on the training part, its metrics under `sparsity.`/`retrain.`, epochs counted on.
      const phaseTraining = async (x: tf.LayersModel, what: string, phase: number, epochs: number, penalty?: () => tf.Scalar): Promise<void> => {
        if (epochs <= 0) return
        const o = { model: x, split: train, training: { epochs, validationFraction: 0 }, phase: `${what} ${phase}/${phases.length}` }
        trainings.push(await task.train({ ...o, metricPrefix: `${what}.`, stepOffset: epochOffset, ...(penalty ? { penalty } : {}) }))
        epochOffset += epochs
      }
      for (let i = 0; i < phases.length; i++) {
        const phase = i + 1
        const { structure: s, l1Set } = phaseLayerSet(model, phases[i])
        const current: tf.LayersModel = model
        // 1. Sparsity induction: task loss + λ·Σ|w| (Singh 2019, eq. 1) over the phase's layer set.
        await phaseTraining(current, 'sparsity', phase, m.sparsityEpochs, () => l1Penalty(current, l1Set, m.l1))
        // 2. One global threshold for the layer set, chosen on the validation split.
        const judge = thresholdMetric({ toleranceOn: m.toleranceOn, layers: phases[i], cutoff: m.cutoff, structure: s, evaluate: onValidation })
        const chosen = await globalThreshold(current, judge, { layers: l1Set, tolerance: m.tolerance })
        const zeroed = await zeroBelowThreshold(current, l1Set, chosen.threshold)
        // 3. Filters of l that are mostly zero, or whose inputs in l+1 are mostly zero.
        const { remove, stats } = await selectByLayerStatistics(current, { layers: phases[i], cutoff: m.cutoff, minUnits: 1, structure: s })
        const removed = removedCount(remove)
        const byReason = (r: string): number => stats.filter((x) => x.remove && x.reason === r).length
        // 4. Surgery: the filters and the matching inputs of l+1 (through stacking and concatenation).
        if (removed > 0) {
          model = await removeUnits(current, remove, s)
          current.dispose()
        }
        removedTotal += removed
        sink.log(
          'info',
          `phase ${phase} (${phases[i].join(', ')}): threshold ${chosen.threshold.toExponential(3)} zeroes ` +
            `${(chosen.zeroFraction * 100).toFixed(1)} % of ${l1Set.length} kernels (${zeroed} weights; validation ${task.metric} ` +
            `${(chosen.baseline * 100).toFixed(2)} → ${(chosen.metric * 100).toFixed(2)} %); removed ${removed} filters ` +
            `(${byReason('zero-filter')} mostly-zero, ${byReason('zero-next-inputs')} with mostly-zero inputs in l+1)`,
        )
        // 5. Retraining with the original loss, no L1.
        await phaseTraining(model, 'retrain', phase, m.retrainEpochs)
        const measured = await measureModel(model)
        const test = await task.evaluate(model)
        sink.metrics(
          [
            { key: 'threshold', value: chosen.threshold },
            { key: 'zero.fraction', value: chosen.zeroFraction },
            { key: 'removed', value: removedTotal },
            { key: 'params', value: measured.params },
            { key: 'macs', value: measured.macs },
            { key: `val.${task.metric}`, value: await onValidation(model) },
            { key: `test.${task.metric}`, value: test.metric },
          ].map((p) => ({ ...p, step: phase })),
        )
        await yieldToEventLoop()
      }
      const extra = { removed: removedTotal, phases: phases.length }
      await finishPruned(ctx, { parent, before, model, trainings, extra })
    } finally {
      model?.dispose()
    }
  })
}
