/**
 * The training recipe of issue 16 item 5: linear warm-up by step then the schedule, decoupled
 * weight decay on kernels only (SGDW: the step differs from plain SGD by exactly −lr·wd·w), Nesterov
 * momentum, and the refusal of nesterov without momentum.
 */
import { tmpdir } from 'node:os'
import type * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import type { RunConfig } from '../../../../src-shared/spec/expand'
import { modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import type { DataSplit } from '../../../../src-main/engine/data/dataset'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'
import { crossEntropyLoss } from '../../../../src-main/engine/train/cross-entropy'
import { learningRateAtStep } from '../../../../src-main/engine/train/lr-schedule'
import { makeOptimizer } from '../../../../src-main/engine/train/optimizer'
import { trainModel } from '../../../../src-main/engine/train/train-model'
import { checkRunConfig } from '../../../../src-main/engine/validate'

const training = (over: Record<string, unknown>): ReturnType<typeof trainingSpecSchema.parse> => trainingSpecSchema.parse(over)

describe('learningRateAtStep', () => {
  it('rises linearly by step over warmupEpochs, then runs the schedule over the remaining epochs', () => {
    const t = { learningRate: 0.4, lrSchedule: 'cosine' as const, warmupEpochs: 2 }
    // 2 warm-up epochs of 4 steps: 0.05, 0.10, …, 0.40 at the last warm-up step.
    const warm = [0, 1].flatMap((e) => [0, 1, 2, 3].map((s) => learningRateAtStep(t, e, 6, s, 4)))
    expect(warm.map((v) => +v.toFixed(6))).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4])
    // Then cosine over the 16 steps of the 4 remaining epochs, step by step towards 0.
    expect(learningRateAtStep(t, 2, 6, 0, 4)).toBeCloseTo(0.4, 12)
    expect(learningRateAtStep(t, 4, 6, 0, 4)).toBeCloseTo(0.2, 12)
    expect(learningRateAtStep(t, 4, 6, 3, 4)).toBeCloseTo(0.2 * (1 + Math.cos((11 * Math.PI) / 16)), 12)
    expect(learningRateAtStep(t, 5, 6, 3, 4)).toBeCloseTo(0.2 * (1 + Math.cos((15 * Math.PI) / 16)), 12)
    // Two epochs of fine-tuning, one of warm-up: the second anneals instead of staying at the base rate.
    const fineTune = [0, 1, 2, 3].map((s) => learningRateAtStep({ ...t, warmupEpochs: 1 }, 1, 2, s, 4))
    expect(fineTune[0]).toBeCloseTo(0.4, 12)
    expect(fineTune[3]).toBeCloseTo(0.2 * (1 + Math.cos((3 * Math.PI) / 4)), 12)
    expect(learningRateAtStep({ learningRate: 1, lrSchedule: 'step' }, 5, 8, 0, 4)).toBeCloseTo(0.1, 12)
  })
})

describe('decoupled weight decay and Nesterov', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  // 24 random 6×6×1 images, 3 classes: one step of batch 24.
  const rng = createRng(5)
  const split: DataSplit = {
    x: Float32Array.from({ length: 24 * 36 }, () => rng.next()),
    y: Int32Array.from({ length: 24 }, (_, i) => i % 3),
    n: 24,
  }
  const net = (): tf.LayersModel =>
    buildModel(
      modelSpecSchema.parse({ arch: 'custom', layers: [{ type: 'conv2d', filters: 2, kernelSize: 3 }, { type: 'batchNorm' }, { type: 'dense', units: 3, activation: 'linear' }] }),
      [6, 6, 1],
      3,
      9,
    )
  // Keyed `<index>:<kind>` (kernel, bias, gamma, beta): unique names differ from one build to the next.
  const weightsOf = (model: tf.LayersModel): Map<string, Float32Array> =>
    new Map(model.trainableWeights.map((w, i) => [`${i}:${w.name.split('/').pop() ?? ''}`, w.read().dataSync() as Float32Array]))
  const step = async (over: Record<string, unknown>): Promise<Map<string, Float32Array>> => {
    const model = net()
    await trainModel({ model, train: split, inputShape: [6, 6, 1], training: training({ epochs: 1, batchSize: 24, optimizer: 'sgd', learningRate: 0.1, ...over }), seed: 1, loss: crossEntropyLoss })
    const weights = weightsOf(model)
    model.dispose()
    return weights
  }

  it('SGDW: kernels shrink by exactly lr·wd·w beyond the SGD step; biases and batch-norm vectors do not', async () => {
    const initial = weightsOf(net())
    const plain = await step({})
    const decayed = await step({ weightDecay: 0.5 })
    let kernels = 0
    for (const [name, w0] of initial) {
      const a = plain.get(name) as Float32Array
      const b = decayed.get(name) as Float32Array
      if (name.endsWith('kernel')) {
        kernels++
        for (let i = 0; i < w0.length; i++) expect(b[i] - a[i]).toBeCloseTo(-0.1 * 0.5 * w0[i], 5)
      } else {
        expect(Array.from(b)).toEqual(Array.from(a))
      }
    }
    expect(kernels).toBe(2)
    expect([...initial.keys()].some((n) => n.endsWith('gamma'))).toBe(true)
  })

  it('Nesterov momentum is a different step from classical momentum; nesterov without momentum is refused', async () => {
    const opt = makeOptimizer({ optimizer: 'momentum', learningRate: 0.1, momentum: 0.9, nesterov: true })
    expect(opt.getConfig().useNesterov).toBe(true)
    opt.dispose()
    const classical = await step({ optimizer: 'momentum', epochs: 2, batchSize: 12 })
    const nesterov = await step({ optimizer: 'momentum', epochs: 2, batchSize: 12, nesterov: true })
    const name = [...classical.keys()].find((n) => n.endsWith('kernel')) as string
    expect(Array.from(nesterov.get(name) as Float32Array)).not.toEqual(Array.from(classical.get(name) as Float32Array))
    const config = {
      dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0 },
      model: modelSpecSchema.parse({ arch: 'mlp' }),
      training: training({ optimizer: 'sgd', nesterov: true }),
      method: { kind: 'train' },
      seed: 0,
    } as RunConfig
    expect(checkRunConfig(config, tmpdir())).toEqual(['training.nesterov applies to optimizer momentum, not sgd'])
  })

  it('the loop reports the warm-up rate at the end of each epoch', async () => {
    const model = net()
    const result = await trainModel({ model, train: split, inputShape: [6, 6, 1], training: training({ epochs: 3, batchSize: 12, optimizer: 'momentum', learningRate: 0.2, warmupEpochs: 2 }), seed: 1, loss: crossEntropyLoss })
    expect(result.history.map((h) => +h.lr.toFixed(6))).toEqual([0.1, 0.2, 0.2])
    model.dispose()
  })
})
