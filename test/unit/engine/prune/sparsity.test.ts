import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import {
  globalThreshold,
  l1Penalty,
  selectByLayerStatistics,
  zeroBelowThreshold,
} from '../../../../src-main/engine/prune/sparsity'
import { agreementWith, fixedInput, mlp, setWeights, weightValues } from './fixtures'

describe('global threshold (Singh et al. 2019, step 1)', () => {
  it('picks the largest quantile threshold that keeps agreement with the unpruned model within tolerance', async () => {
    const model = mlp()
    const x = fixedInput([200, 4], 3)
    const { evaluate, labels } = agreementWith(model, x)
    const before = weightValues(model)
    const result = await globalThreshold(model, evaluate, { tolerance: 0.05 })
    expect(result.baseline).toBe(1)
    expect(result.trials).toHaveLength(19)
    expect(weightValues(model)).toEqual(before) // restored after the search
    const accepted = result.trials.filter((t) => t.accepted)
    expect(accepted.length).toBeGreaterThan(0)
    expect(accepted.length).toBeLessThan(19) // zeroing 95% of the weights must hurt
    for (const t of result.trials) expect(t.accepted).toBe(t.metric >= 1 - 0.05)
    expect(result.threshold).toBe(Math.max(...accepted.map((t) => t.threshold)))
    // The zeroed fraction follows the quantile, and applying the threshold gives the reported metric.
    const chosen = accepted.find((t) => t.threshold === result.threshold)
    expect(result.zeroFraction).toBeCloseTo(chosen?.quantile ?? -1, 1)
    const total = ['h1', 'h2', 'out'].reduce(
      (a, n) => a + model.getLayer(n).getWeights()[0].size,
      0,
    )
    expect(await zeroBelowThreshold(model, ['h1', 'h2', 'out'], result.threshold) / total).toBeCloseTo(
      result.zeroFraction,
      6,
    )
    expect(await evaluate(model)).toBe(result.metric)
    tf.dispose([x, labels])
    model.dispose()
  })

  it('falls back to threshold 0 when no candidate is accepted', async () => {
    const model = mlp()
    let calls = 0
    const result = await globalThreshold(model, async () => (calls++ === 0 ? 1 : 0), {
      candidates: [0.1, 0.2],
    })
    expect(result).toMatchObject({ threshold: 0, baseline: 1, metric: 1, zeroFraction: 0 })
    model.dispose()
  })
})

describe('layer statistics selection (Singh et al. 2019, step 2)', () => {
  it('selects mostly-zero filters of l and filters whose l+1 inputs are mostly zero', async () => {
    const model = mlp() // h1: 4 → 5, h2: 5 → 4
    // h1 kernel [4, 5]: unit 0 all zero (1.0), unit 1 three of four zero (0.75).
    setWeights(model, 'h1', [
      [
        [0, 0, 1, 1, 1],
        [0, 0, 1, 1, 1],
        [0, 0, 1, 1, 1],
        [0, 1, 1, 1, 1],
      ],
      [1, 1, 1, 1, 1],
    ])
    // h2 kernel [5, 4]: row 2 (reads h1 unit 2) all zero, row 3 three of four zero.
    setWeights(model, 'h2', [
      [
        [1, 1, 1, 1],
        [1, 1, 1, 1],
        [0, 0, 0, 0],
        [0, 0, 0, 1],
        [1, 1, 1, 1],
      ],
      [0, 0, 0, 0],
    ])
    const { remove, stats } = await selectByLayerStatistics(model, { layers: ['h1'] })
    expect(remove).toEqual({ h1: [0, 2] })
    expect(stats.map((s) => [s.unit, s.zeroFraction, s.nextZeroFraction, s.reason])).toEqual([
      [0, 1, 0, 'zero-filter'],
      [1, 0.75, 0, null],
      [2, 0, 1, 'zero-next-inputs'],
      [3, 0, 0.75, null],
      [4, 0, 0, null],
    ])
    expect((await selectByLayerStatistics(model, { layers: ['h1'], cutoff: 0.75 })).remove).toEqual({
      h1: [0, 1, 2, 3],
    })
    model.dispose()
  })

  it('reads l+1 input channels of a conv consumer and never empties a layer', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 1, name: 'c1' }),
        tf.layers.conv2d({ filters: 2, kernelSize: 2, name: 'c2' }),
        tf.layers.flatten({ name: 'f' }),
        tf.layers.dense({ units: 1, name: 'o' }),
      ],
    })
    setWeights(model, 'c1', [
      [1, 1],
      [0, 0],
    ])
    // c2 kernel [2, 2, 2, 2]: input channel 1 all zero → c1 filter 1 selected.
    const k = Array.from({ length: 16 }, (_, i) => (Math.floor(i / 2) % 2 === 1 ? 0 : 1))
    setWeights(model, 'c2', [k, [0, 0]])
    expect((await selectByLayerStatistics(model, { layers: ['c1'] })).remove).toEqual({ c1: [1] })
    setWeights(model, 'c1', [
      [0, 0],
      [0, 0],
    ])
    // Both filters qualify; the least-zero one (filter 0: next inputs 0% zero) is kept.
    expect((await selectByLayerStatistics(model, { layers: ['c1'] })).remove).toEqual({ c1: [1] })
    model.dispose()
  })
})

describe('L1 sparsity penalty (Singh et al. 2019, step 1)', () => {
  it('is λ·Σ|w| over the kernels and differentiable w.r.t. the variables', () => {
    const model = mlp()
    setWeights(model, 'h1', [
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 0.5 : -1)),
      Array(5).fill(3),
    ])
    const penalty = l1Penalty(model, ['h1'], 0.1)
    expect(penalty.dataSync()[0]).toBeCloseTo(0.1 * (10 * 0.5 + 10 * 1), 6) // biases excluded
    const { value, grads } = tf.variableGrads(() => l1Penalty(model, ['h1'], 0.1))
    const kernelName = (model.getLayer('h1').weights[0].read() as tf.Variable).name
    const g = Array.from(grads[kernelName].dataSync())
    g.forEach((v, i) => expect(v).toBeCloseTo(i % 2 === 0 ? 0.1 : -0.1, 6))
    tf.dispose([penalty, value, ...Object.values(grads)])
    model.dispose()
  })
})
