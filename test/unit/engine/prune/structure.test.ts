import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { convChain, convFlattenDense, mlp } from './fixtures'

describe('analyzeStructure', () => {
  it('finds conv → BN → pool → flatten → dense consumers, channels-last', () => {
    const model = convChain()
    const s = analyzeStructure(model)
    expect(s.prunable.map((p) => p.name)).toEqual(['c1', 'd1'])
    expect(s.fixed).toEqual([{ name: 'out', reason: 'its units are (or reach) the model output' }])
    const c1 = s.prunable[0]
    expect(c1.units).toBe(3)
    expect(c1.owners.map((o) => [o.name, o.featureMap, o.batchNorm])).toEqual([['c1', 'r1', 'bn1']])
    expect(c1.members.map((m) => [m.layer, m.role])).toEqual([
      ['c1', 'producer'],
      ['bn1', 'batch-norm'],
      ['f1', 'coupling'],
      ['d1', 'consumer'],
    ])
    // Pooled map 2×2×3 flattened: channel 1 sits at rows 1, 4, 7, 10 of d1's kernel.
    expect(c1.consumers.map((c) => c.layer)).toEqual(['d1'])
    expect(c1.consumers[0].rows[1]).toEqual([1, 4, 7, 10])
    model.dispose()
  })

  it('reads a dense feature map after Dropout and stops at the next kernel', () => {
    const model = mlp()
    const s = analyzeStructure(model)
    expect(s.prunable.map((p) => [p.name, p.owners[0].featureMap, p.consumers.map((c) => c.layer)])).toEqual([
      ['h1', 'drop', ['h2']],
      ['h2', 'h2', ['out']],
    ])
    model.dispose()
  })

  it('refuses an unsupported layer, naming it and its class', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.lstm({ inputShape: [3, 2], units: 4, name: 'lstm_1' }),
        tf.layers.dense({ units: 1, name: 'o' }),
      ],
    })
    expect(() => analyzeStructure(model)).toThrow(
      "layer 'lstm_1' (LSTM) is not supported by pruning",
    )
    model.dispose()
  })

  it('couples the layers an Add sums into one group', () => {
    const input = tf.input({ shape: [3] })
    const a = tf.layers.dense({ units: 2, name: 'a' }).apply(input) as tf.SymbolicTensor
    const b = tf.layers.dense({ units: 2, name: 'b' }).apply(input) as tf.SymbolicTensor
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 1, name: 'o' }).apply(sum) as tf.SymbolicTensor,
    })
    const s = analyzeStructure(model)
    expect(s.prunable.map((g) => [g.name, g.units, g.producers])).toEqual([['a', 2, ['a', 'b']]])
    expect(s.prunable[0].members.map((m) => `${m.layer}:${m.role}`)).toEqual(['a:producer', 'b:producer', 'sum:coupling', 'o:consumer'])
    model.dispose()
  })

  it('refuses channels_first convolutions', () => {
    const model = convFlattenDense(
      { inputShape: [2, 5, 5], filters: 2, kernelSize: 2, dataFormat: 'channelsFirst', name: 'cf' },
      { name: 'o' },
    )
    expect(() => analyzeStructure(model)).toThrow(
      "layer 'cf' (Conv2D): data_format 'channels_first' is not supported",
    )
    model.dispose()
  })

  it('accepts unknown spatial sizes through global pooling', () => {
    const conv = (): tf.layers.Layer =>
      tf.layers.conv2d({
        inputShape: [null, null, 1] as unknown as number[],
        filters: 2,
        kernelSize: 1,
        name: 'c',
      })
    const pooled = tf.sequential({
      layers: [
        conv(),
        tf.layers.globalAveragePooling2d({ name: 'g' }),
        tf.layers.dense({ units: 1, name: 'o' }),
      ],
    })
    expect(analyzeStructure(pooled).prunable[0].consumers[0]).toMatchObject({ layer: 'o', rows: [[0], [1]] })
    pooled.dispose()
    // (tfjs itself refuses Flatten after unknown spatial sizes; structure.ts guards it anyway.)
  })

  it('maps Concatenate offsets in a functional graph (conv branches → concat → flatten → dense)', () => {
    const input = tf.input({ shape: [4, 4, 1] })
    const a = tf.layers
      .conv2d({ filters: 2, kernelSize: 1, name: 'a' })
      .apply(input) as tf.SymbolicTensor
    const b = tf.layers
      .conv2d({ filters: 3, kernelSize: 1, name: 'b' })
      .apply(input) as tf.SymbolicTensor
    const cat = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor
    const flat = tf.layers.flatten({ name: 'flat' }).apply(cat) as tf.SymbolicTensor
    const model = tf.model({
      inputs: input,
      outputs: tf.layers.dense({ units: 1, name: 'o' }).apply(flat) as tf.SymbolicTensor,
    })
    const s = analyzeStructure(model)
    expect(s.graph.kind).toBe('functional')
    const b1 = s.prunable.find((p) => p.name === 'b')
    expect(b1?.consumers.map((c) => [c.layer, c.rows[0].length])).toEqual([['o', 16]])
    // Filter 0 of b is channel 2 of the 5-channel concat, so rows 2, 7, 12, … of o's kernel.
    expect(b1!.consumers[0].rows[0].slice(0, 3)).toEqual([2, 7, 12])
    model.dispose()
  })

  it('marks a layer whose units reach the output through Concatenate as not prunable', () => {
    const input = tf.input({ shape: [3] })
    const a = tf.layers.dense({ units: 2, name: 'a' }).apply(input) as tf.SymbolicTensor
    const b = tf.layers.dense({ units: 2, name: 'b' }).apply(a) as tf.SymbolicTensor
    const out = tf.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor
    const model = tf.model({ inputs: input, outputs: out })
    const s = analyzeStructure(model)
    expect(s.prunable).toEqual([])
    expect(s.fixed.map((f) => f.name)).toEqual(['a', 'b'])
    model.dispose()
  })
})
