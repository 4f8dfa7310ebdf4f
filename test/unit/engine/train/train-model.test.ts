/**
 * The training loop on real digits (wasm backend): accuracy reached, tensors released, divergence,
 * determinism, progress throttling, metrics.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import type { RunProgress } from '../../../../src-shared/types'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { type Dataset } from '../../../../src-main/engine/data/dataset'
import { loadMnist10k } from '../../../../src-main/engine/data/mnist-10k'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { crossEntropyLoss } from '../../../../src-main/engine/train/cross-entropy'
import { evaluate } from '../../../../src-main/engine/train/evaluate'
import { trainModel } from '../../../../src-main/engine/train/train-model'

let data: Dataset

beforeAll(async () => {
  await selectBackend('wasm')
  data = loadMnist10k({ testFraction: 0.2, splitSeed: 0, trainLimit: 500 })
})

const training = (over: Record<string, unknown> = {}): ReturnType<typeof trainingSpecSchema.parse> =>
  trainingSpecSchema.parse({ epochs: 8, batchSize: 32, ...over })

function mlp(seed = 1, hidden = [64]): tf.LayersModel {
  return buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden }), data.inputShape, 10, seed)
}

describe('trainModel', () => {
  it('trains an MLP 784-64-10 on 500 digits to > 80 % test accuracy in 8 epochs', async () => {
    const model = mlp()
    const result = await trainModel({ model, train: data.train, test: data.test, inputShape: data.inputShape, training: training(), seed: 1, loss: crossEntropyLoss })
    const last = result.history[7]
    expect(result.epochs).toBe(8)
    expect(last['test.accuracy']).toBeGreaterThan(0.8)
    expect(last['train.loss']).toBeLessThan(result.history[0]['train.loss'])
    const check = await evaluate(model, data.test.x, data.test.y)
    expect(check.accuracy).toBeCloseTo(last['test.accuracy'], 6)
    expect(check.errors).toBe(Math.round(data.test.n * (1 - check.accuracy)))
    model.dispose()
  })

  it('does not grow the tensor count across steps or epochs, and frees all it made', async () => {
    const model = mlp(2, [32])
    const before = tf.memory().numTensors
    const perStep: number[] = []
    const perEpoch: number[] = []
    await trainModel({
      model,
      train: data.train,
      test: data.test,
      inputShape: data.inputShape,
      training: training({ epochs: 3, validationFraction: 0.1, jitter: 2 }),
      seed: 1,
      loss: crossEntropyLoss,
      onStepEnd: () => void perStep.push(tf.memory().numTensors),
      onEpochEnd: () => void perEpoch.push(tf.memory().numTensors),
    })
    // Step 1 creates Adam's moment variables; from then on the count is flat.
    expect(new Set(perStep.slice(1)).size).toBe(1)
    expect(new Set(perEpoch).size).toBe(1)
    expect(tf.memory().numTensors).toBe(before)
    model.dispose()
  })

  it('trains every custom layer kind on wasm (conv, pools, batchNorm, dropout, tanh/sigmoid) with a flat tensor count', async () => {
    const model = buildModel(
      modelSpecSchema.parse({
        arch: 'custom',
        layers: [
          { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' },
          { type: 'batchNorm' },
          { type: 'avgPool2d', poolSize: 2 },
          { type: 'conv2d', filters: 6, kernelSize: 3, activation: 'relu' },
          { type: 'maxPool2d', poolSize: 2, strides: 1 },
          { type: 'flatten' },
          { type: 'dropout', rate: 0.2 },
          { type: 'dense', units: 16, activation: 'sigmoid' },
        ],
      }),
      data.inputShape,
      10,
      1,
    )
    const counts: number[] = []
    const movingMean = (): number[] => Array.from(model.layers[2].getWeights()[2].dataSync())
    const before = movingMean()
    const r = await trainModel({
      model,
      train: data.train,
      test: data.test,
      inputShape: data.inputShape,
      training: training({ epochs: 3, optimizer: 'momentum', learningRate: 0.05 }),
      seed: 1,
      loss: crossEntropyLoss,
      onEpochEnd: () => void counts.push(tf.memory().numTensors),
    })
    expect(new Set(counts).size).toBe(1)
    expect(r.history[2]['train.loss']).toBeLessThan(r.history[0]['train.loss'])
    expect(r.history[2]['test.accuracy']).toBeGreaterThan(0.3)
    // Batch normalisation updated its moving statistics in training mode.
    expect(movingMean()).not.toEqual(before)
    model.dispose()
  })

  it('ends with "diverged at epoch 1" when the loss becomes NaN/Infinity (deep linear net, SGD lr 10)', async () => {
    const model = buildModel(
      modelSpecSchema.parse({ arch: 'custom', layers: [{ type: 'dense', units: 64, activation: 'linear' }] }),
      data.inputShape,
      10,
      1,
    )
    const before = tf.memory().numTensors
    await expect(
      trainModel({ model, train: data.train, inputShape: data.inputShape, training: training({ optimizer: 'sgd', learningRate: 10 }), seed: 1, loss: crossEntropyLoss }),
    ).rejects.toThrow(/^diverged at epoch 1$/)
    expect(tf.memory().numTensors).toBe(before)
    model.dispose()
  })

  it('reports the epoch in which a plug-in loss turns NaN, and goes on when stopOnNaN is off', async () => {
    let calls = 0
    const stepsPerEpoch = Math.ceil(500 / 32)
    const nanInEpoch3 = {
      name: 'nan-later',
      compute: (logits: tf.Tensor2D, labels: tf.Tensor1D) =>
        ++calls > 2 * stepsPerEpoch ? tf.mul(crossEntropyLoss.compute(logits, labels, { x: logits, prepared: {} }), NaN) as tf.Scalar
          : crossEntropyLoss.compute(logits, labels, { x: logits, prepared: {} }),
    }
    const model = mlp(3, [16])
    await expect(trainModel({ model, train: data.train, inputShape: data.inputShape, training: training({ epochs: 4 }), seed: 1, loss: nanInEpoch3 })).rejects.toThrow(
      'diverged at epoch 3',
    )
    calls = 0
    const model2 = mlp(3, [16])
    const r = await trainModel({ model: model2, train: data.train, inputShape: data.inputShape, training: training({ epochs: 3, stopOnNaN: false }), seed: 1, loss: nanInEpoch3 })
    expect(Number.isNaN(r.history[2]['train.loss'])).toBe(true)
    model.dispose()
    model2.dispose()
  })

  it('is reproducible from the seed (shuffle, jitter, dropout, init) and differs across seeds', async () => {
    const run = async (seed: number): Promise<number[]> => {
      const model = buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [32], dropout: 0.3 }), data.inputShape, 10, seed)
      const r = await trainModel({ model, train: data.train, test: data.test, inputShape: data.inputShape, training: training({ epochs: 2, jitter: 1 }), seed, loss: crossEntropyLoss })
      model.dispose()
      return r.history.flatMap((h) => [h['train.loss'], h['test.loss']])
    }
    const a = await run(4)
    expect(await run(4)).toEqual(a)
    expect(await run(5)).not.toEqual(a)
  })

  it('streams throttled progress and per-epoch metrics with the schedule', async () => {
    const progress: RunProgress[] = []
    const metrics: [number, Record<string, number>][] = []
    const model = mlp(6, [32])
    const started = performance.now()
    await trainModel({
      model,
      train: data.train,
      test: data.test,
      inputShape: data.inputShape,
      training: training({ epochs: 4, lrSchedule: 'cosine', learningRate: 0.002, validationFraction: 0.2 }),
      seed: 1,
      loss: crossEntropyLoss,
      phase: 'train',
      onProgress: (p) => progress.push(p),
      onEpochEnd: (e, m) => void metrics.push([e, m]),
    })
    const seconds = (performance.now() - started) / 1000
    // At most one event per 100 ms, plus the forced ones at the start and end of each epoch.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(seconds * 10) + 2 * 4 + 1)
    expect(progress.every((p) => p.phase === 'train' && p.epochs === 4 && p.steps === Math.ceil(400 / 32))).toBe(true)
    for (let i = 1; i < progress.length; i++) expect(progress[i].fraction).toBeGreaterThanOrEqual(progress[i - 1].fraction)
    expect(progress[progress.length - 1].fraction).toBe(1)
    expect(progress[progress.length - 1].etaSeconds).toBe(0)
    expect(metrics.map(([e]) => e)).toEqual([1, 2, 3, 4])
    const keys = ['train.loss', 'train.accuracy', 'val.loss', 'val.accuracy', 'test.loss', 'test.accuracy', 'lr', 'epoch.seconds']
    for (const [, m] of metrics) expect(Object.keys(m).sort()).toEqual([...keys].sort())
    // Cosine: lr_e = 0.002 · ½(1 + cos(π e / 4)), e = 0..3.
    const expected = [0, 1, 2, 3].map((e) => 0.002 * 0.5 * (1 + Math.cos((Math.PI * e) / 4)))
    metrics.forEach(([, m], i) => expect(m.lr).toBeCloseTo(expected[i], 12))
    model.dispose()
  })
})
