/**
 * Method `slimming`, for every task: network slimming — Liu, Li, Shen, Huang, Yan, Zhang, ICCV 2017. Train the
 * parent on with L = Σ l(f(x, W), y) + λ·Σ_γ |γ| (eq. (1), g(γ) = |γ|) over the BatchNormalization
 * scales that follow its prunable layers, remove the channels whose |γ| is below one global
 * percentile (`ratio` of all those channels; no per-layer normalisation), then fine-tune. Needs
 * BatchNormalization after the layers to prune: a parent without it is refused before any work.
 */
import type * as tf from '@tensorflow/tfjs'
import type { RunMethod } from '../../../src-shared/spec/expand'
import { bnScalePenalty, networkSlimmingPlan, slimmableBatchNorms, slimmableGroups } from '../prune/network-slimming'
import { removableUnits } from '../prune/protocol'
import { removedCount } from '../prune/select'
import { removeUnits } from '../prune/surgery'
import type { MethodExecutor } from './context'
import { finalTraining, finishPruned, parentStructure, reportParent, withParent } from './pruned-run'

type SlimmingMethod = Extract<RunMethod, { kind: 'slimming' }>

/** How to give a model BatchNormalization, for the refusal message. */
const ADD_BN_HINT = {
  classification:
    'network slimming prunes the channels of layers followed by BatchNormalization; use a custom model with a ' +
    "batchNorm layer after each conv2d/dense layer to prune, e.g. {\"arch\": \"custom\", \"layers\": [{\"type\": \"conv2d\", " +
    '"filters": 6, "kernelSize": 5}, {"type": "batchNorm"}, {"type": "maxPool2d"}, {"type": "flatten"}, ' +
    '{"type": "dense", "units": 120}, {"type": "batchNorm"}]}',
  detection:
    'network slimming prunes the channels of layers followed by BatchNormalization; train the parent detector with ' +
    'model.batchNorm true',
} as const

export const executeSlimming: MethodExecutor<SlimmingMethod> = async (ctx) => {
  const { config, sink } = ctx
  const m = config.method
  await withParent(ctx, async (parent, task) => {
    let model: tf.LayersModel | null = null
    let pruned: tf.LayersModel | null = null
    try {
      const structure = parentStructure(ctx, parent)
      const batchNorms = slimmableBatchNorms(structure)
      const layers = slimmableGroups(structure)
      if (batchNorms.length === 0) {
        throw new Error(
          `the parent model (${task.modelText()}) has no BatchNormalization after a prunable layer: ${ADD_BN_HINT[task.kind]}`,
        )
      }
      const channels = layers.reduce((a, l) => a + l.units, 0)
      const count = Math.floor(m.ratio * channels + 1e-9)
      const removable = removableUnits(layers, 1)
      if (count === 0) throw new Error(`method.ratio ${m.ratio} of ${channels} BatchNorm-scaled channels removes none`)
      if (count > removable) {
        throw new Error(
          `method.ratio ${m.ratio} would remove ${count} of ${channels} channels, which would remove every unit of a layer ` +
            `(each of the ${layers.length} layers keeps at least one): at most ${removable} can go`,
        )
      }
      const before = await reportParent(ctx, parent)
      sink.log(
        'info',
        `network slimming (Liu et al. 2017): λ = ${m.lambda} on |γ| of ${batchNorms.length} BatchNorm layers ` +
          `(${channels} channels) for ${m.sparsityEpochs} epochs, then remove ${count} channels (ratio ${m.ratio})`,
      )

      const current = await removeUnits(parent, {}) // a private copy of the parent
      model = current
      // Liu et al. 2017, eq. (1): task loss + λ·Σ|γ| over the slimmable BN scales.
      const sparsity =
        m.sparsityEpochs > 0
          ? await task.train({
              model: current,
              penalty: () => bnScalePenalty(current, m.lambda, batchNorms),
              training: { epochs: m.sparsityEpochs },
              phase: 'sparsity',
              metricPrefix: 'sparsity.',
            })
          : null
      const plan = await networkSlimmingPlan(current, { ratio: m.ratio, minUnits: 1 })
      pruned = await removeUnits(current, plan)
      sink.log(
        'info',
        `removed ${removedCount(plan)} channels: ${Object.entries(plan).map(([name, idx]) => `${name} −${idx.length}`).join(', ')}`,
      )
      const prunedMetric = (await task.evaluate(pruned)).metric
      const prunedKey = `pruned.test.${task.metric}`
      sink.metrics([
        { key: 'removed', step: 1, value: removedCount(plan) },
        { key: prunedKey, step: 1, value: prunedMetric },
      ])
      const fineTuned = await finalTraining(ctx, pruned, m.finalEpochs, { stepOffset: m.sparsityEpochs })
      const removed = removedCount(plan)
      const extra = { [prunedKey]: prunedMetric, removed, 'units.before': channels, 'units.after': channels - removed }
      await finishPruned(ctx, { parent, before, model: pruned, trainings: [sparsity, fineTuned], extra })
    } finally {
      pruned?.dispose()
      model?.dispose()
    }
  })
}
