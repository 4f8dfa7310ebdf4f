/**
 * Methods `prune` (METHODS P1/P2: Taylor and the other criteria, Molchanov's iterative protocol)
 * and `singh` (METHODS P3: Singh et al., WACV 2019, phases over layer groups) on detectors (issue
 * 7, METHODS D5). The structure analysis, the scorers, the global threshold, the l/l+1 filter
 * selection and the surgery are the classification ones (they trace the detectors' space-to-depth
 * stacking and concatenation); what changes is the task:
 *  - the parent is a YOLO detector (`detect` run), checked against the dataset's head;
 *  - training, fine-tuning and retraining use `trainDetector` (the YOLO loss; with `recover:
 *    'distill'` the Mehta–Ozturk loss with the unpruned parent as teacher);
 *  - the Taylor criterion differentiates the YOLO loss on detection batches (targets packed into
 *    one tensor per batch);
 *  - every "accuracy" is VOC mAP at IoU 0.5 (all-point): Singh's tolerance and the accuracy floor
 *    are in mAP (0..1), the results report `test.mAP`, `parent.test.mAP` and `mAP.change`.
 */
import * as tf from '@tensorflow/tfjs'
import { LATENCY_BATCH, pruneScorer, resolveLayers, yieldToEventLoop } from './prune-common'
import { removeUnits } from '../prune/surgery'
import { measureModel } from '../prune/measure'
import { iterativePruning, type PruneStepReport } from '../prune/prune-loop'
import { removedCount } from '../prune/select'
import { globalThreshold, l1Penalty, selectByLayerStatistics, zeroBelowThreshold } from '../prune/sparsity'
import type { TrainDetectorResult } from '../detect'
import { deriveSeed } from '../random/seeded-rng'
import { loopResults, pruneSchedule, pruneStepReporter, reseeded, stopReason } from './prune'
import { phaseLayerSet, singhPhases, thresholdMetric } from './singh'
import {
  detectionScoringBatches,
  detectionScoringLoss,
  detectorStructure,
  finishDetector,
  mAPOn,
  permutation,
  pct,
  reportParent,
  subset,
  trainOn,
  withParent,
  type DetectionPruneRun,
  type PruneMethod,
  type SinghMethod,
} from './detect-prune-task'

export { detectionScoringBatches, detectionScoringLoss, type DetectionPruneRun } from './detect-prune-task'

/** `prune` on a detector: Molchanov's iterative protocol with mAP as the metric. */
export function runDetectionPrune(r: DetectionPruneRun & { method: PruneMethod }): Promise<void> {
  const m = r.method
  const scorer = pruneScorer(m.criterion, m.flopsLambda)
  return withParent(r, async (t, parent) => {
    const { sink } = r
    const structure = detectorStructure(t, parent)
    const layers = resolveLayers(structure, m.layers, 'method.layers')
    if (m.criterion === 'bn-scale') {
      const without = layers.filter((l) => l.batchNorm === null).map((l) => `'${l.name}'`)
      if (without.length) throw new Error(`criterion 'bn-scale' needs a BatchNormalization after each pruned layer; ${without.join(', ')} have none`)
    }
    const steps = await pruneSchedule(parent, structure, layers, m)
    const before = await reportParent(t, parent)
    const units = layers.reduce((a, l) => a + l.units, 0)
    sink.log(
      'info',
      `pruning the detector by ${m.criterion}: up to ${steps.reduce((a, b) => a + b, 0)} of ${units} filters of ${layers.length} layers, ` +
        `${m.unitsPerStep} per step, ${m.fineTuneSteps} fine-tuning updates between steps; metric: test mAP`,
    )
    const teacher = m.recover === 'distill' ? parent : undefined
    // A few minibatch updates at a time, from a rolling seeded permutation of the training images.
    const order = permutation(t.data.train.n, deriveSeed(r.seed, 'detect-prune/finetune-order'))
    let cursor = 0
    let calls = 0
    const fineTune = async (model: tf.LayersModel): Promise<void> => {
      const count = Math.min(m.fineTuneSteps * r.training.batchSize, t.data.train.n)
      if (count > 0) {
        const indices = Array.from({ length: count }, (_, i) => order[(cursor + i) % order.length])
        cursor = (cursor + count) % order.length
        const split = subset(t.data.train, indices, t.data.inputShape)
        await trainOn(t, { model, split, epochs: 1, phase: 'prune', seed: `detect-prune/finetune-${calls++}`, prefix: '', offset: 0, teacher, quiet: true })
      }
      await yieldToEventLoop()
    }
    const stop = new AbortController()
    const reached = (s: PruneStepReport): boolean =>
      (m.target.macs !== undefined && s.macs <= m.target.macs * before.macs) || (m.target.params !== undefined && s.params <= m.target.params * before.params)
    const x = tf.tensor4d(t.data.test.x.slice(0, Math.min(LATENCY_BATCH, t.data.test.n) * t.data.inputShape.reduce((a, b) => a * b, 1)), [
      Math.min(LATENCY_BATCH, t.data.test.n),
      ...t.data.inputShape,
    ])
    let pruned: tf.LayersModel | null = null
    try {
      const result = await iterativePruning({
        model: parent,
        scorer: reseeded(scorer, r.seed),
        context: { layers: layers.map((l) => l.name), data: detectionScoringBatches(t, r.seed), loss: detectionScoringLoss(t.head), seed: r.seed },
        steps,
        minUnits: m.minUnits,
        roundTo: m.roundTo,
        fineTune,
        evaluate: (model) => mAPOn(t, model, t.data.test),
        minMetric: m.target.accuracyFloor,
        latencyInput: x,
        onStep: pruneStepReporter({ sink, steps: steps.length, metricKey: 'test.mAP', reached, stop }),
        signal: stop.signal,
      })
      pruned = result.model
      const kept = result.reports[result.reports.length - (result.stoppedBy === 'accuracy-floor' ? 2 : 1)]
      sink.log(
        result.stoppedBy === 'accuracy-floor' || result.stoppedBy === 'nothing-left' ? 'warn' : 'info',
        `stopped after ${kept.step} steps (${stopReason(result.stoppedBy, m.target.accuracyFloor, 'mAP')}): ${kept.totalRemoved} filters removed, test mAP before the final ` +
          `${m.recover === 'distill' ? 'distillation' : 'fine-tuning'} ${pct(kept.metric)}`,
      )
      const trainings: TrainDetectorResult[] = []
      if (m.finalEpochs > 0) {
        trainings.push(
          await trainOn(t, { model: pruned, split: t.data.train, epochs: m.finalEpochs, phase: m.recover === 'distill' ? 'distill' : 'finetune', seed: 'detect-prune/final', prefix: 'finetune.', offset: 0, test: t.data.test, teacher }),
        )
      }
      await finishDetector(t, {
        parent,
        before,
        model: pruned,
        trainings,
        extra: loopResults('pruned.test.mAP', kept, units, result.stoppedBy),
      })
    } finally {
      x.dispose()
      pruned?.dispose()
    }
  })
}

/** `singh` on a detector: the phases of Singh et al. 2019 with validation mAP choosing each threshold. */
export function runDetectionSingh(r: DetectionPruneRun & { method: SinghMethod }): Promise<void> {
  const m = r.method
  return withParent(r, async (t, parent) => {
    const { sink } = r
    const structure = detectorStructure(t, parent)
    const phases = singhPhases(structure.prunable, m.phases, (names, field) => resolveLayers(structure, names, field))
    const order = permutation(t.data.train.n, deriveSeed(r.seed, 'singh/validation'))
    const nVal = Math.round(t.data.train.n * m.validationFraction)
    if (nVal < 1 || nVal >= t.data.train.n) throw new Error(`method.validationFraction ${m.validationFraction} of ${t.data.train.n} training images leaves an empty split`)
    const validation = subset(t.data.train, order.subarray(0, nVal), t.data.inputShape)
    const train = subset(t.data.train, order.subarray(nVal), t.data.inputShape)
    const before = await reportParent(t, parent)
    sink.log(
      'info',
      `Singh et al. 2019 on the detector: ${phases.length} phases (${phases.map((p) => p.join('+')).join(' → ')}), λ = ${m.l1}, ` +
        `tolerance ${m.tolerance} mAP (on the ${m.toleranceOn} model), cut-off ${m.cutoff}; ${train.n} training / ${validation.n} validation images`,
    )
    let model = await removeUnits(parent, {}) // a private copy: the parent stays the reference
    try {
      let offset = 0
      let removedTotal = 0
      const trainings: TrainDetectorResult[] = []
      for (let i = 0; i < phases.length; i++) {
        const phase = i + 1
        const { structure: s, l1Set } = phaseLayerSet(model, phases[i])
        const current: tf.LayersModel = model
        // 1. Sparsity induction: YOLO loss + λ·Σ|w| (Singh 2019, eq. 1) over the phase's layer set.
        if (m.sparsityEpochs > 0) {
          const penalty = (): tf.Scalar => l1Penalty(current, l1Set, m.l1)
          trainings.push(await trainOn(t, { model: current, split: train, epochs: m.sparsityEpochs, phase: `sparsity ${phase}/${phases.length}`, seed: `singh/sparsity-${phase}`, prefix: 'sparsity.', offset, penalty }))
          offset += m.sparsityEpochs
        }
        // 2. One global threshold for the layer set, chosen on validation mAP.
        const judge = thresholdMetric({ toleranceOn: m.toleranceOn, layers: phases[i], cutoff: m.cutoff, structure: s, evaluate: (x) => mAPOn(t, x, validation) })
        const chosen = await globalThreshold(current, judge, { layers: l1Set, tolerance: m.tolerance })
        const zeroed = zeroBelowThreshold(current, l1Set, chosen.threshold)
        // 3. Filters of l that are mostly zero, or whose inputs in l+1 are mostly zero.
        const { remove, stats } = selectByLayerStatistics(current, { layers: phases[i], cutoff: m.cutoff, minUnits: 1, structure: s })
        const removed = removedCount(remove)
        // 4. Surgery: the filters and the matching inputs of l+1 (through stacking and concatenation).
        if (removed > 0) {
          model = await removeUnits(current, remove, s)
          current.dispose()
        }
        removedTotal += removed
        const byReason = (why: string): number => stats.filter((x) => x.remove && x.reason === why).length
        sink.log(
          'info',
          `phase ${phase} (${phases[i].join(', ')}): threshold ${chosen.threshold.toExponential(3)} zeroes ${(chosen.zeroFraction * 100).toFixed(1)} % ` +
            `of ${l1Set.length} kernels (${zeroed} weights; validation mAP ${pct(chosen.baseline)} → ${pct(chosen.metric)}); removed ${removed} ` +
            `filters (${byReason('zero-filter')} mostly-zero, ${byReason('zero-next-inputs')} with mostly-zero inputs in l+1)`,
        )
        // 5. Retraining with the YOLO loss, no L1.
        if (m.retrainEpochs > 0) {
          trainings.push(await trainOn(t, { model, split: train, epochs: m.retrainEpochs, phase: `retrain ${phase}/${phases.length}`, seed: `singh/retrain-${phase}`, prefix: 'retrain.', offset }))
          offset += m.retrainEpochs
        }
        const measured = measureModel(model)
        sink.metrics(
          [
            { key: 'threshold', value: chosen.threshold },
            { key: 'zero.fraction', value: chosen.zeroFraction },
            { key: 'removed', value: removedTotal },
            { key: 'params', value: measured.params },
            { key: 'macs', value: measured.macs },
            { key: 'val.mAP', value: await mAPOn(t, model, validation) },
            { key: 'test.mAP', value: await mAPOn(t, model, t.data.test) },
          ].map((p) => ({ ...p, step: phase })),
        )
        await yieldToEventLoop()
      }
      await finishDetector(t, { parent, before, model, trainings, extra: { removed: removedTotal, phases: phases.length } })
    } finally {
      model.dispose()
    }
  })
}
