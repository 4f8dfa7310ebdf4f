import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { l1NormImportance } from '../../../../src-main/engine/prune/importance/l1-norm'
import {
  bnScalePenalty,
  networkSlimmingPlan,
} from '../../../../src-main/engine/prune/network-slimming'
import { iterativePruning } from '../../../../src-main/engine/prune/prune-loop'
import { iterativeCounts } from '../../../../src-main/engine/prune/schedules'
import { agreementWith, convChain, fixedInput, mlp, weightValues } from './fixtures'

describe('iterative pruning loop (METHODS P1)', () => {
  it('scores, removes, fine-tunes and reports after every step', async () => {
    const model = mlp() // 64 params, 5 + 4 prunable units
    const before = weightValues(model)
    const x = fixedInput([32, 4], 4)
    const { evaluate, labels } = agreementWith(model, x)
    const tensors = tf.memory().numTensors
    const tuned: Array<[number, number]> = []
    const result = await iterativePruning({
      model,
      scorer: l1NormImportance(),
      steps: iterativeCounts(4, 2),
      evaluate,
      fineTune: async (m, step) => {
        tuned.push([step, m.countParams()])
      },
      latencyInput: x,
    })
    expect(result.stoppedBy).toBe('schedule')
    expect(result.reports.map((r) => [r.step, r.removed, r.totalRemoved])).toEqual([
      [0, 0, 0],
      [1, 2, 2],
      [2, 2, 4],
    ])
    expect(result.reports[0]).toMatchObject({ metric: 1, params: 64, macs: 4 * 5 + 5 * 4 + 4 * 3 })
    const params = result.reports.map((r) => r.params)
    expect(params[1]).toBeLessThan(params[0])
    expect(params[2]).toBeLessThan(params[1])
    expect(tuned.map(([s]) => s)).toEqual([1, 2])
    expect(tuned[1][1]).toBe(params[2])
    expect(result.reports.every((r) => r.latencyMs !== null && r.latencyMs >= 0)).toBe(true)
    const units = ['h1', 'h2'].map((n) => result.model.getLayer(n).getWeights()[1].size)
    expect(units[0] + units[1]).toBe(5)
    expect(weightValues(model)).toEqual(before) // the input model is untouched
    result.model.dispose()
    // Only the returned model held tensors: none left behind by intermediate steps.
    expect(tf.memory().numTensors).toBe(tensors)
    tf.dispose([x, labels])
    model.dispose()
  })

  it('stops at the accuracy floor and returns the last model above it', async () => {
    const model = mlp()
    const result = await iterativePruning({
      model,
      scorer: l1NormImportance(),
      steps: [2, 2],
      evaluate: async (m) => m.countParams(),
      minMetric: 60,
    })
    expect(result.stoppedBy).toBe('accuracy-floor')
    expect(result.reports).toHaveLength(2)
    expect(result.model.countParams()).toBe(64)
    result.model.dispose()
    model.dispose()
  })
})

describe('network slimming (Liu et al. 2017)', () => {
  it('plans the channels with the smallest |γ| globally and penalises λ·Σ|γ|', async () => {
    const model = convChain()
    const bn = model.getLayer('bn1')
    bn.setWeights([tf.tensor1d([0.9, -0.05, 0.3]), ...bn.getWeights().slice(1)])
    expect(await networkSlimmingPlan(model, { ratio: 0.34 })).toEqual({ c1: [1] })
    const p = bnScalePenalty(model, 0.01)
    expect(p.dataSync()[0]).toBeCloseTo(0.01 * 1.25, 7)
    p.dispose()
    model.dispose()
  })
})
