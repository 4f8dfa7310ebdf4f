import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import {
  inferenceLatency,
  measureModel,
  nonZeroParameterCount,
  serializedBytes,
} from '../../../../src-main/engine/prune/measure'
import { removeUnits } from '../../../../src-main/engine/prune/surgery'
import { convChain, fixedInput, patchWeight } from './fixtures'

describe('measure', () => {
  it('counts params, non-zero params and MACs per layer by hand', async () => {
    const model = convChain()
    const m = await measureModel(model)
    expect(m.params).toBe(131)
    // c1: kh·kw·c_in·c_out·h_out·w_out = 3·3·2·3·4·4 = 864; d1: 12·4 = 48; out: 4·2 = 8.
    expect(m.layers.filter((l) => l.macs > 0).map((l) => [l.name, l.macs])).toEqual([
      ['c1', 864],
      ['d1', 48],
      ['out', 8],
    ])
    expect(m.macs).toBe(920)
    // Biases start at 1 for c1 and 0 elsewhere; BN: γ = 1, β = 0, μ = 0, σ² = 1.
    const zerosAtStart = 4 + 2 + 3 + 3 // d1 bias, out bias, β, μ
    expect(m.nonZeroParams).toBe(131 - zerosAtStart)
    patchWeight(model, 'c1', 0, (v) => v.fill(0, 0, 10))
    expect(await nonZeroParameterCount(model)).toBe(131 - zerosAtStart - 10)
    const pruned = await removeUnits(model, { c1: [0] })
    // c1 loses 18 + 1, bn1 4, d1 4·4 rows: 131 − 39 = 92 params, c1 MACs 3·3·2·2·4·4 = 576.
    expect(await measureModel(pruned)).toMatchObject({ params: 92, macs: 576 + 32 + 8 })
    pruned.dispose()
    model.dispose()
  })

  it('serialized bytes shrink with the model by at least 4 bytes per removed parameter', async () => {
    const model = convChain()
    const pruned = await removeUnits(model, { c1: [0], d1: [1] })
    const full = await serializedBytes(model)
    const small = await serializedBytes(pruned)
    expect(full).toBeGreaterThan(131 * 4)
    expect(full - small).toBeGreaterThanOrEqual(4 * (131 - (await measureModel(pruned)).params))
    pruned.dispose()
    model.dispose()
  })

  it('latency is the median of timed predicts after warm-up, without leaking tensors', async () => {
    const model = convChain()
    const x = fixedInput([4, 6, 6, 2])
    const before = tf.memory().numTensors
    const lat = await inferenceLatency(model, x, { warmup: 1, repeats: 5 })
    expect(tf.memory().numTensors).toBe(before)
    expect(lat.samplesMs).toHaveLength(5)
    expect(lat.medianMs).toBe([...lat.samplesMs].sort((a, b) => a - b)[2])
    expect(lat.backend).toBe('cpu')
    x.dispose()
    model.dispose()
  })
})
