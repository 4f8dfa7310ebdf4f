import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import {
  createImportanceScorer,
  importanceCriteria,
} from '../../../../src-main/engine/prune/importance/registry'
import { applyMasks, disposeMasks, magnitudeMasks } from '../../../../src-main/engine/prune/masks'
import { measureModel } from '../../../../src-main/engine/prune/measure'
import { selectGlobal } from '../../../../src-main/engine/prune/select'
import { sparseExport } from '../../../../src-main/engine/prune/sparse-export'
import {
  globalThreshold,
  l1Penalty,
  selectByLayerStatistics,
} from '../../../../src-main/engine/prune/sparsity'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { removeUnits } from '../../../../src-main/engine/prune/surgery'
import { convChain, fixedInput } from './fixtures'

const cce = (y: tf.Tensor, p: tf.Tensor): tf.Scalar =>
  tf.losses.softmaxCrossEntropy(y, p) as tf.Scalar

async function pruneOnce(model: tf.LayersModel, xs: tf.Tensor, ys: tf.Tensor): Promise<void> {
  const structure = analyzeStructure(model)
  for (const name of importanceCriteria()) {
    const layers = name === 'bn-scale' ? ['c1'] : undefined
    const scores = await createImportanceScorer(name).score({
      model,
      structure,
      layers,
      data: () => [{ xs, ys }],
      loss: cce,
      seed: 1,
    })
    const pruned = await removeUnits(model, selectGlobal(scores, { count: 2 }), structure)
    await measureModel(pruned)
    pruned.dispose()
  }
  const penalty = l1Penalty(model)
  penalty.dispose()
  await globalThreshold(model, async () => 1, { quantiles: [0.5] })
  await selectByLayerStatistics(model)
  const masks = await magnitudeMasks(model, { sparsity: 0.5 })
  applyMasks(model, masks)
  disposeMasks(masks)
  await sparseExport(model)
}

describe('tensor memory', () => {
  it('does not grow across scoring (every criterion), surgery, sparsity and masks', async () => {
    const model = convChain()
    const xs = fixedInput([6, 6, 6, 2])
    const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32'), 2)
    const before = tf.memory().numTensors
    await pruneOnce(model, xs, ys)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([xs, ys])
    model.dispose()
  })
})
