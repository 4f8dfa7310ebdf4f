import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { apozImportance } from '../../../../src-main/engine/prune/importance/apoz'
import { bnScaleImportance } from '../../../../src-main/engine/prune/importance/bn-scale'
import { l1NormImportance } from '../../../../src-main/engine/prune/importance/l1-norm'
import { l2NormImportance } from '../../../../src-main/engine/prune/importance/l2-norm'
import { meanActivationImportance } from '../../../../src-main/engine/prune/importance/mean-activation'
import { randomImportance } from '../../../../src-main/engine/prune/importance/random'
import {
  createImportanceScorer,
  importanceCriteria,
} from '../../../../src-main/engine/prune/importance/registry'
import { convChain, convFlattenDense, mlp, setWeights } from './fixtures'

const values = (a: Float32Array | undefined): number[] => Array.from(a ?? [])
const close = (actual: number[], expected: number[], digits = 5): void => {
  expect(actual).toHaveLength(expected.length)
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits))
}

/** Identity hidden layer with ReLU (its activations are relu(x)) → 1 output. */
function identityNet(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units: 3, activation: 'relu', name: 'h' }),
      tf.layers.dense({ units: 1, name: 'out' }),
    ],
  })
  setWeights(model, 'h', [
    [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
    [0, 0, 0],
  ])
  return model
}

// relu of these rows, per column: col 0 (1, 2, 0, 0), col 1 (0, 3, 1, 2), col 2 (0, 0, 1, 2).
const X = [
  [1, -1, 0],
  [2, 3, -1],
  [-1, 1, 1],
  [0, 2, 2],
]

describe('weight-norm criteria (Li et al. 2017)', () => {
  it('L1 and L2 norms of each dense kernel column, bias excluded', async () => {
    const model = mlp()
    const k = [
      [1, -2, 0, 0.5, 3],
      [-1, 2, 0, 0.5, 0],
      [2, 0, 0, -0.5, 4],
      [0, 1, 0, 0.5, 0],
    ]
    setWeights(model, 'h1', [k, [9, 9, 9, 9, 9]])
    const l1 = await l1NormImportance().score({ model, layers: ['h1'] })
    const l2 = await l2NormImportance().score({ model, layers: ['h1'] })
    close(values(l1.get('h1')), [4, 5, 0, 2, 7])
    close(values(l2.get('h1')), [Math.sqrt(6), 3, 0, 1, 5])
    model.dispose()
  })

  it('L1 norm of conv filters sums over kh·kw·c_in', async () => {
    const model = convChain()
    // Kernel [3, 3, 2, 3]: filter f gets weight (f + 1)·(−1)^i at flat position i·3 + f → L1 = 18·(f + 1).
    const kernel = Array.from(
      { length: 54 },
      (_, i) => (Math.floor(i / 3) % 2 === 0 ? 1 : -1) * ((i % 3) + 1),
    )
    setWeights(model, 'c1', [kernel, [5, 5, 5]])
    const l1 = await l1NormImportance().score({ model, layers: ['c1'] })
    close(values(l1.get('c1')), [18, 36, 54])
    model.dispose()
  })
})

describe('activation criteria', () => {
  it('APoZ (Hu et al. 2016): 1 − fraction of zeros of each post-ReLU output', async () => {
    const model = identityNet()
    const xs = tf.tensor2d(X)
    const ys = tf.zeros([4, 1])
    const scores = await apozImportance().score({ model, data: () => [{ xs, ys }] })
    close(values(scores.get('h')), [1 - 2 / 4, 1 - 1 / 4, 1 - 2 / 4])
    model.dispose()
  })

  it('APoZ over spatial positions of a conv map', async () => {
    // 1×1 conv with filters (+1, −1) then ReLU: channel 0 = relu(x), channel 1 = relu(−x).
    const model = convFlattenDense({
      inputShape: [2, 2, 1],
      filters: 2,
      kernelSize: 1,
      activation: 'relu',
      name: 'c',
    })
    setWeights(model, 'c', [
      [1, -1],
      [0, 0],
    ])
    const xs = tf.tensor4d([1, -2, 0, 3], [1, 2, 2, 1])
    // channel 0: (1, 0, 0, 3) → 2 zeros of 4; channel 1: (0, 2, 0, 0) → 3 zeros of 4.
    const scores = await apozImportance().score({
      model,
      data: () => [{ xs, ys: tf.zeros([1, 1]) }],
    })
    close(values(scores.get('c')), [0.5, 0.25])
    model.dispose()
  })

  it('mean activation averages the map over examples', async () => {
    const model = identityNet()
    const xs = tf.tensor2d(X)
    const scores = await meanActivationImportance().score({
      model,
      data: () => [{ xs, ys: tf.zeros([4, 1]) }],
    })
    close(values(scores.get('h')), [3 / 4, 6 / 4, 3 / 4])
    model.dispose()
  })

  it('activation criteria need data', async () => {
    const model = identityNet()
    await expect(apozImportance().score({ model })).rejects.toThrow(
      "criterion 'apoz' needs data batches",
    )
    model.dispose()
  })
})

describe('random and bn-scale', () => {
  it('random scores are reproducible by seed and differ across seeds', async () => {
    const model = convChain()
    const a = await randomImportance().score({ model, seed: 42 })
    const b = await randomImportance().score({ model, seed: 42 })
    const c = await randomImportance().score({ model, seed: 43 })
    expect(values(a.get('d1'))).toEqual(values(b.get('d1')))
    expect(values(a.get('c1'))).not.toEqual(values(c.get('c1')))
    expect(values(a.get('c1'))).toHaveLength(3)
    model.dispose()
  })

  it('bn-scale is |γ| of the BatchNorm after the layer, and an error without one', async () => {
    const model = convChain()
    const bn = model.getLayer('bn1')
    const w = bn.getWeights()
    bn.setWeights([tf.tensor1d([-0.5, 2, 0.1]), ...w.slice(1)])
    const scores = await bnScaleImportance().score({ model, layers: ['c1'] })
    close(values(scores.get('c1')), [0.5, 2, 0.1])
    await expect(bnScaleImportance().score({ model })).rejects.toThrow(
      "needs a BatchNormalization after layer 'd1'",
    )
    model.dispose()
  })
})

describe('registry', () => {
  it('maps every criterion name to its scorer', () => {
    expect(importanceCriteria()).toEqual([
      'l1',
      'l2',
      'taylor',
      'mean-activation',
      'apoz',
      'random',
      'bn-scale',
    ])
    for (const name of importanceCriteria()) expect(createImportanceScorer(name).name).toBe(name)
    expect(createImportanceScorer('taylor').needsData).toBe(true)
    expect(createImportanceScorer('l1').needsData).toBe(false)
  })

  it('an unknown criterion lists the known ones', () => {
    expect(() => createImportanceScorer('oracle')).toThrow(
      "unknown importance criterion 'oracle'; known: l1, l2, taylor, mean-activation, apoz, random, bn-scale",
    )
    expect(() => createImportanceScorer('toString')).toThrow('unknown importance criterion')
  })
})
