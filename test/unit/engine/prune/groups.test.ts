import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { parameterCount, removeUnits } from '../../../../src-main/engine/prune/surgery'
import { fixedInput, maxOutputDifference } from './fixtures'
import { concatNet, invertedResidualNet, residualNet, zeroGroupUnits } from './group-models'

const disposeAll = (models: tf.LayersModel[]): void => models.forEach((m) => m.dispose())

/** Zeroes `units` of `group`, removes them, and checks the outputs did not change; returns the pruned model. */
async function removeZeroUnits(model: tf.LayersModel, group: string, units: number[], inputShape: number[]): Promise<tf.LayersModel> {
  const s = analyzeStructure(model)
  zeroGroupUnits(model, s, group, units)
  const pruned = await removeUnits(model, { [group]: units }, s)
  const x = fixedInput([3, ...inputShape])
  const before = tf.tidy(() => tf.max(tf.abs(model.predict(x) as tf.Tensor)).dataSync()[0])
  expect(before).toBeGreaterThan(0.01) // the outputs are not trivially zero
  expect(maxOutputDifference(model, pruned, x)).toBeLessThan(1e-5)
  expect(parameterCount(pruned)).toBeLessThan(parameterCount(model))
  x.dispose()
  return pruned
}

describe('dependency groups (DepGraph, METHODS G1)', () => {
  it('couples the layers a residual Add sums, identity and projection shortcuts alike', () => {
    const model = residualNet()
    const s = analyzeStructure(model)
    expect(s.prunable.map((g) => [g.name, g.units, g.producers])).toEqual([
      ['stem', 4, ['stem', 'b1_conv2']],
      ['b1_conv1', 3, ['b1_conv1']],
      ['b2_conv1', 5, ['b2_conv1']],
      ['b2_conv2', 6, ['b2_conv2', 'b2_proj']],
    ])
    const stem = s.prunable[0]
    expect(stem.members.map((m) => `${m.layer}:${m.role}`)).toEqual([
      'stem:producer', 'stem_bn:batch-norm', 'b1_conv1:consumer', 'b1_conv2:producer', 'b1_bn2:batch-norm',
      'b1_add:coupling', 'b2_conv1:consumer', 'b2_proj:consumer',
    ])
    expect(s.fixed).toEqual([{ name: 'logits', reason: 'its units are (or reach) the model output' }])
    model.dispose()
  })

  it('residual groups: removing zero-output channels of every member leaves the outputs unchanged', async () => {
    const model = residualNet()
    const p1 = await removeZeroUnits(model, 'stem', [1, 3], [6, 6, 2])
    expect(p1.getLayer('b1_conv2').getWeights()[0].shape).toEqual([3, 3, 3, 2])
    expect(p1.getLayer('b2_proj').getWeights()[0].shape).toEqual([1, 1, 2, 6])
    const p2 = await removeZeroUnits(model, 'b2_conv2', [0, 4, 5], [6, 6, 2])
    expect(p2.getLayer('b2_proj').getWeights()[0].shape).toEqual([1, 1, 4, 3])
    expect(p2.getLayer('logits').getWeights()[0].shape).toEqual([3, 3])
    disposeAll([p1, p2, model])
  })

  it('depthwise convolutions share their input channels (multiplier 1 and 2)', async () => {
    for (const m of [1, 2]) {
      const model = invertedResidualNet(m)
      const s = analyzeStructure(model)
      const expand = s.prunable.find((g) => g.name === 'expand')
      expect(expand?.owners.map((o) => [o.name, o.positions[1]])).toEqual([
        ['expand', [1]],
        ['dw', m === 1 ? [1] : [2, 3]],
      ])
      expect(expand?.consumers.map((c) => c.layer)).toEqual(['project'])
      expect(s.prunable.find((g) => g.name === 'stem')?.producers).toEqual(['stem', 'project'])
      const pruned = await removeZeroUnits(model, 'expand', [0, 2], [5, 5, 2])
      expect(pruned.getLayer('dw').getWeights()[0].shape).toEqual([3, 3, 2, m])
      expect(pruned.getLayer('dw_bn').getWeights()[0].shape).toEqual([2 * m])
      expect(pruned.getLayer('project').getWeights()[0].shape).toEqual([1, 1, 2 * m, 3])
      const residual = await removeZeroUnits(model, 'stem', [1], [5, 5, 2])
      expect(residual.getLayer('project').getWeights()[0].shape).toEqual([1, 1, 4 * m, 2])
      disposeAll([pruned, residual, model])
    }
  })

  it('Concatenate, space-to-depth and Flatten → Dense: each branch is cut where it lands', async () => {
    const model = concatNet()
    const s = analyzeStructure(model)
    expect(s.prunable.map((g) => [g.name, g.units])).toEqual([['a', 2], ['fine', 3], ['c', 4]])
    // fine's channel j lands at concat channels 2 + k·3 + j (space-to-depth, b² = 4 copies).
    expect(s.prunable[1].consumers[0].rows[1]).toEqual([3, 6, 9, 12])
    // c's channel 2 of the 2×2×4 map flattened: rows 2, 6, 10, 14 of the logits kernel.
    expect(s.prunable[2].consumers[0].rows[2]).toEqual([2, 6, 10, 14])
    const p1 = await removeZeroUnits(model, 'fine', [0], [4, 4, 2])
    expect(p1.getLayer('c').getWeights()[0].shape).toEqual([1, 1, 2 + 8, 4])
    const p2 = await removeZeroUnits(model, 'a', [1], [4, 4, 2])
    const p3 = await removeZeroUnits(model, 'c', [0, 3], [4, 4, 2])
    expect(p3.getLayer('logits').getWeights()[0].shape).toEqual([8, 3])
    disposeAll([p1, p2, p3, model])
  })

  it('refuses to empty a group, naming its members', async () => {
    const model = residualNet()
    await expect(removeUnits(model, { b1_conv2: [0, 1, 2, 3] })).rejects.toThrow(
      "pruning would remove every unit of layer 'b1_conv2' (the group of stem, stem_bn, b1_conv1, b1_conv2",
    )
    model.dispose()
  })

  it('refuses a layer kind the graph does not know, naming the layer and its kind', () => {
    const input = tf.input({ shape: [4, 3] })
    const r = tf.layers.reshape({ targetShape: [12], name: 'flatten_by_reshape' }).apply(tf.layers.dense({ units: 3, name: 'd' }).apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2, name: 'o' }).apply(r) as tf.SymbolicTensor })
    expect(() => analyzeStructure(model)).toThrow("layer 'flatten_by_reshape' (Reshape) is not supported by pruning")
    model.dispose()
  })
})
