/**
 * Singh's threshold judged on the zeroed model (METHODS P3 as written) or on the model without the
 * filters that threshold would remove (`toleranceOn: 'pruned'`): the candidate the tolerance sees.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { singhMethodSchema } from '../../../../src-shared/spec/schema'
import { thresholdMetric } from '../../../../src-main/engine/methods/singh'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { zeroBelowThreshold } from '../../../../src-main/engine/prune/sparsity'
import { mlp, setWeights } from '../prune/fixtures'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('thresholdMetric', () => {
  it('defaults to the zeroed model; "pruned" evaluates the model without the filters the cut-off would remove', async () => {
    expect(singhMethodSchema.parse({ kind: 'singh' }).toleranceOn).toBe('zeroed')
    const model = mlp()
    // h1 (4 inputs → 5 units): unit 0 keeps one large weight of four (75 % zero after zeroing).
    setWeights(model, 'h1', [
      [0.9, 0.01, 0.01, 0.01, 0.01, 0.01, 0.5, 0.5, 0.5, 0.5, 0.01, 0.5, 0.5, 0.5, 0.5, 0.01, 0.5, 0.5, 0.5, 0.5],
      Array(5).fill(0.1),
    ])
    const structure = analyzeStructure(model)
    await zeroBelowThreshold(model, ['h1'], 0.05)
    const seen: number[] = []
    const evaluate = async (m: tf.LayersModel): Promise<number> => {
      seen.push(m.countParams())
      return 1
    }
    const before = tf.memory().numTensors
    await thresholdMetric({ toleranceOn: 'zeroed', layers: ['h1'], cutoff: 0.75, structure, evaluate })(model)
    await thresholdMetric({ toleranceOn: 'pruned', layers: ['h1'], cutoff: 0.75, structure, evaluate })(model)
    // Unit 0 (3 of 4 weights zero ≥ 0.75) goes: 4 weights + 1 bias of h1 and its 4 weights in h2.
    expect(seen[0]).toBe(model.countParams())
    expect(seen[1]).toBe(model.countParams() - 4 - 1 - 4)
    // The pruned candidate was released.
    expect(tf.memory().numTensors).toBe(before)
    // With nothing to remove, "pruned" judges the zeroed model itself.
    await thresholdMetric({ toleranceOn: 'pruned', layers: ['h1'], cutoff: 0.99, structure, evaluate })(model)
    expect(seen[2]).toBe(model.countParams())
    model.dispose()
  })
})
