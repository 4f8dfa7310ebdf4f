/**
 * Batch norm after training (issue 16 item 5, "batch norm handled correctly in evaluation and after
 * surgery"): the moving mean and variance are recomputed from the batch statistics of training
 * examples (adaptive BN), so evaluation no longer depends on how far the moving averages lag the
 * last updates. Checked against the statistics computed directly, at the end of `trainModel`
 * (default and `bnRecalibration: 0`), and on a model whose averages are wrong.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { trainingSpecSchema } from '../../../../src-shared/spec/schema'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import type { DataSplit } from '../../../../src-main/engine/data/dataset'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { batchNormLayers, recalibrateBatchNorm } from '../../../../src-main/engine/train/bn-recalibrate'
import { crossEntropyLoss } from '../../../../src-main/engine/train/cross-entropy'
import { evaluate } from '../../../../src-main/engine/train/evaluate'
import { trainModel } from '../../../../src-main/engine/train/train-model'

beforeAll(async () => {
  await selectBackend('wasm')
})

const SHAPE = [6, 6, 1]
const rng = createRng(3)
// 40 random 6×6 images, 2 classes told apart by brightness.
const split: DataSplit = { x: new Float32Array(40 * 36), y: new Int32Array(40), n: 40 }
for (let i = 0; i < 40; i++) {
  split.y[i] = i % 2
  for (let p = 0; p < 36; p++) split.x[i * 36 + p] = rng.next() + split.y[i]
}

/** conv 3×3 (3) → BN → ReLU → GAP → dense 2, and the model up to the BN's input. */
function net(): { model: tf.LayersModel; convOut: tf.LayersModel } {
  const input = tf.input({ shape: SHAPE })
  const conv = tf.layers.conv2d({ filters: 3, kernelSize: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor
  const bn = tf.layers.batchNormalization().apply(conv) as tf.SymbolicTensor
  const out = tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(
    tf.layers.globalAveragePooling2d({}).apply(tf.layers.reLU().apply(bn)),
  ) as tf.SymbolicTensor
  return { model: tf.model({ inputs: input, outputs: out }), convOut: tf.model({ inputs: input, outputs: conv }) }
}

const inputs = (start: number, end: number): tf.Tensor => tf.tensor(split.x.subarray(start * 36, end * 36), [end - start, ...SHAPE])

/** Mean over batches of `size` (of the first `count` examples) of the batch mean and (biased) variance per channel. */
async function expectedStats(convOut: tf.LayersModel, count: number, size: number): Promise<{ mean: number[]; variance: number[] }> {
  const mean = [0, 0, 0]
  const variance = [0, 0, 0]
  let k = 0
  for (let s = 0; s < count; s += size) {
    const m = tf.tidy(() => tf.moments(convOut.predict(inputs(s, Math.min(count, s + size))) as tf.Tensor, [0, 1, 2]))
    const [mv, vv] = [await m.mean.data(), await m.variance.data()]
    for (let c = 0; c < 3; c++) {
      mean[c] += mv[c]
      variance[c] += vv[c]
    }
    tf.dispose([m.mean, m.variance])
    k++
  }
  return { mean: mean.map((v) => v / k), variance: variance.map((v) => v / k) }
}

async function movingStats(model: tf.LayersModel): Promise<{ mean: number[]; variance: number[] }> {
  const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization') as tf.layers.Layer
  const [, , movingMean, movingVariance] = bn.getWeights()
  return { mean: Array.from(await movingMean.data()), variance: Array.from(await movingVariance.data()) }
}

function expectClose(got: number[], want: number[]): void {
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4))
}

describe('recalibrateBatchNorm', () => {
  it("sets the moving mean and variance to the average batch statistics, restores the momentum, and repairs a model whose averages are wrong", async () => {
    const { model, convOut } = net()
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization') as tf.layers.Layer
    const [gamma, beta] = bn.getWeights()
    bn.setWeights([gamma, beta, tf.fill([3], 5), tf.fill([3], 100)])
    const right = await expectedStats(convOut, 40, 8)
    const stale = await evaluate(model, split.x, split.y, { inputShape: SHAPE })

    expect(await recalibrateBatchNorm(model, inputs, 40, 8)).toBe(40)
    const got = await movingStats(model)
    expectClose(got.mean, right.mean)
    expectClose(got.variance, right.variance)
    expect(batchNormLayers(model).map((l) => l.momentum)).toEqual([0.99])
    // In evaluation each channel is now normalised by the statistics of the data it sees.
    const normalised = tf.tidy(() => tf.moments(tf.batchNorm(convOut.predict(inputs(0, 40)) as tf.Tensor, got.mean, got.variance), [0, 1, 2]).mean)
    for (const v of await normalised.data()) expect(Math.abs(v)).toBeLessThan(0.05)
    expect(stale.accuracy).toBeGreaterThanOrEqual(0) // the stale model still evaluates (the numbers differ)
    tf.dispose([normalised])
    model.dispose()
  })

  it('does nothing to a model without batch norm', async () => {
    const m = tf.sequential({ layers: [tf.layers.flatten({ inputShape: SHAPE }), tf.layers.dense({ units: 2 })] })
    expect(await recalibrateBatchNorm(m, inputs, 40, 8)).toBe(0)
    m.dispose()
  })
})

describe('trainModel', () => {
  const train = async (over: Record<string, unknown>): Promise<{ got: { mean: number[]; variance: number[] }; want: { mean: number[]; variance: number[] } }> => {
    const { model, convOut } = net()
    const training = trainingSpecSchema.parse({ epochs: 2, batchSize: 8, optimizer: 'sgd', learningRate: 0.5, ...over })
    await trainModel({ model, train: split, inputShape: SHAPE, training, seed: 0, loss: crossEntropyLoss })
    const r = { got: await movingStats(model), want: await expectedStats(convOut, Math.min(40, (over.bnRecalibration as number | undefined) || 40), 8) }
    model.dispose()
    return r
  }

  it('ends with the statistics of the training examples by default, of the first bnRecalibration examples when set', async () => {
    const all = await train({})
    expectClose(all.got.mean, all.want.mean)
    expectClose(all.got.variance, all.want.variance)
    const some = await train({ bnRecalibration: 16 })
    expectClose(some.got.mean, some.want.mean)
    expectClose(some.got.variance, some.want.variance)
  })

  it('keeps the moving averages with bnRecalibration 0', async () => {
    const off = await train({ bnRecalibration: 0 })
    // Ten updates at momentum 0.99 leave the averages near their initial 0 and 1.
    expect(Math.max(...off.got.mean.map((v, i) => Math.abs(v - off.want.mean[i])))).toBeGreaterThan(0.01)
  })
})
