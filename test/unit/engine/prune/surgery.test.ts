import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { parameterCount, removeUnits } from '../../../../src-main/engine/prune/surgery'
import {
  convChain,
  expectSameOutputs,
  fixedInput,
  mlp,
  patchWeight,
  weightValues,
} from './fixtures'

/** Zeroes kernel column `unit` (the last axis) of a Dense/Conv2D layer, and its bias. */
function killUnit(model: tf.LayersModel, layer: string, unit: number): void {
  patchWeight(model, layer, 0, (v, shape) => {
    const units = shape[shape.length - 1]
    for (let i = unit; i < v.length; i += units) v[i] = 0
  })
  patchWeight(model, layer, 1, (v) => {
    v[unit] = 0
  })
}

describe('removeUnits', () => {
  it('removes dense units whose outputs are zero without changing the outputs', async () => {
    const model = mlp()
    // h1 unit 2: zero kernel column and zero bias before ReLU → its output is exactly 0, so the
    // rows of h2 that read it contribute nothing; same for h2 unit 0 feeding `out`.
    killUnit(model, 'h1', 2)
    killUnit(model, 'h2', 0)
    const pruned = await removeUnits(model, { h1: [2], h2: [0] })
    expectSameOutputs(model, pruned, [8, 4])
    // By hand: h1 4·5+5 = 25 → 4·4+4 = 20; h2 5·4+4 = 24 → 4·3+3 = 15; out 4·3+3 = 15 → 3·3+3 = 12.
    expect(parameterCount(model)).toBe(25 + 24 + 15)
    expect(parameterCount(pruned)).toBe(20 + 15 + 12)
    expect(pruned.getLayer('h2').getWeights()[0].shape).toEqual([4, 3])
    pruned.dispose()
    model.dispose()
  })

  it('prunes conv → BN → pool → flatten → dense, slicing BN vectors and the flatten rows', async () => {
    const model = convChain()
    // A zero filter alone is not enough: BN maps 0 to β − γ·μ/√(σ²+ε) ≠ 0 when μ ≠ 0. With γ = β = 0
    // the BN output of that channel is 0 whatever its input, so ReLU → pool → flatten carry zeros
    // and the d1 rows reading it (2, 5, 8, 11) contribute nothing. Other channels get non-trivial
    // moving statistics so a wrong BN slice would show.
    model
      .getLayer('bn1')
      .setWeights([
        tf.tensor1d([1.5, 0.7, 0]),
        tf.tensor1d([0.2, -0.1, 0]),
        tf.tensor1d([0.3, -0.4, 2]),
        tf.tensor1d([2, 0.5, 3]),
      ])
    killUnit(model, 'c1', 2)
    killUnit(model, 'd1', 3)
    const pruned = await removeUnits(model, { c1: [2], d1: [3] })
    expectSameOutputs(model, pruned, [5, 6, 6, 2], 7)
    // By hand: c1 3·3·2·3+3 = 57 → 3·3·2·2+2 = 38; bn1 4·3 = 12 → 8; d1 (2·2·3)·4+4 = 52 →
    // (2·2·2)·3+3 = 27; out 4·2+2 = 10 → 3·2+2 = 8. Total 131 → 81.
    expect(parameterCount(model)).toBe(131)
    expect(parameterCount(pruned)).toBe(81)
    expect(pruned.getLayer('bn1').getWeights()[2].dataSync()).toEqual(new Float32Array([0.3, -0.4]))
    pruned.dispose()
    model.dispose()
  })

  it('removes the matching input channels of the next Conv2D', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [5, 5, 1],
          filters: 4,
          kernelSize: 2,
          activation: 'relu',
          name: 'c1',
          biasInitializer: 'ones',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
        }),
        tf.layers.conv2d({
          filters: 3,
          kernelSize: 2,
          name: 'c2',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
        }),
        tf.layers.globalAveragePooling2d({ name: 'gap' }),
        tf.layers.dense({ units: 2, name: 'out' }),
      ],
    })
    killUnit(model, 'c1', 1)
    killUnit(model, 'c1', 3)
    const pruned = await removeUnits(model, { c1: [3, 1] })
    expect(pruned.getLayer('c2').getWeights()[0].shape).toEqual([2, 2, 2, 3])
    expectSameOutputs(model, pruned, [3, 5, 5, 1], 3)
    pruned.dispose()
    model.dispose()
  })

  it('prunes branches of a functional graph through Concatenate and Flatten', async () => {
    const input = tf.input({ shape: [4, 4, 1] })
    const a = tf.layers
      .conv2d({ filters: 2, kernelSize: 1, activation: 'relu', name: 'a', biasInitializer: 'ones' })
      .apply(input) as tf.SymbolicTensor
    const b = tf.layers
      .conv2d({ filters: 3, kernelSize: 1, activation: 'relu', name: 'b', biasInitializer: 'ones' })
      .apply(input) as tf.SymbolicTensor
    const cat = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor
    const flat = tf.layers.flatten({ name: 'flat' }).apply(cat) as tf.SymbolicTensor
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 2, name: 'o' }).apply(flat) as tf.SymbolicTensor,
    })
    killUnit(model, 'a', 0)
    killUnit(model, 'b', 1)
    const pruned = await removeUnits(model, { a: [0], b: [1] })
    expect(pruned.getLayer('o').getWeights()[0].shape).toEqual([16 * 3, 2])
    expectSameOutputs(model, pruned, [3, 4, 4, 1], 9)
    pruned.dispose()
    model.dispose()
  })

  it('gives a model the wasm backend can run right away (gathered conv biases are rank 1 there)', async () => {
    await selectBackend('wasm')
    try {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, activation: 'relu', name: 'c1' }),
          tf.layers.conv2d({ filters: 5, kernelSize: 2, activation: 'relu', name: 'c2' }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 2, name: 'out' }),
        ],
      })
      const pruned = await removeUnits(model, { c1: [1], c2: [0, 2] })
      const x = tf.ones([2, 6, 6, 3])
      const y = pruned.predict(x) as tf.Tensor
      expect(y.shape).toEqual([2, 2])
      tf.dispose([x, y])
      pruned.dispose()
      model.dispose()
    } finally {
      await tf.setBackend('cpu')
    }
  })

  it('leaves the original model untouched', async () => {
    const model = convChain()
    const before = weightValues(model)
    const x = fixedInput([2, 6, 6, 2])
    const y0 = Array.from((model.predict(x) as tf.Tensor).dataSync())
    const pruned = await removeUnits(model, { c1: [0], d1: [1, 2] })
    expect(weightValues(model)).toEqual(before)
    expect(model.getLayer('c1').getWeights()[0].shape).toEqual([3, 3, 2, 3])
    pruned.dispose()
    // Still usable after the pruned copy is gone (weights that were not sliced are shared safely).
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(y0)
    model.dispose()
  })

  it('keeps working after the original is disposed', async () => {
    const model = mlp()
    const pruned = await removeUnits(model, { h1: [0] })
    model.dispose()
    const x = fixedInput([2, 4])
    expect((pruned.predict(x) as tf.Tensor).shape).toEqual([2, 3])
    pruned.dispose()
  })

  it('rejects bad plans with a message that names the problem', async () => {
    const model = convChain()
    await expect(removeUnits(model, { nope: [0] })).rejects.toThrow("unknown layer 'nope'")
    await expect(removeUnits(model, { out: [0] })).rejects.toThrow("layer 'out' cannot be pruned")
    await expect(removeUnits(model, { bn1: [0] })).rejects.toThrow(
      "layer 'bn1' (BatchNormalization) cannot be pruned",
    )
    await expect(removeUnits(model, { c1: [3] })).rejects.toThrow(
      "unit index 3 is out of range for layer 'c1' (3 units)",
    )
    await expect(removeUnits(model, { c1: [-1] })).rejects.toThrow('out of range')
    await expect(removeUnits(model, { c1: [1, 1] })).rejects.toThrow(
      "unit index 1 appears twice for layer 'c1'",
    )
    await expect(removeUnits(model, { c1: [0, 1, 2] })).rejects.toThrow(
      "pruning would remove every unit of layer 'c1'",
    )
    model.dispose()
    const single = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [3], units: 2, name: 'only' })],
    })
    await expect(removeUnits(single, {})).rejects.toThrow('model has nothing to prune')
    single.dispose()
  })

  it('with an empty plan returns an equal copy', async () => {
    const model = mlp()
    const copy = await removeUnits(model, {})
    expect(weightValues(copy)).toEqual(weightValues(model))
    copy.dispose()
    model.dispose()
  })
})
