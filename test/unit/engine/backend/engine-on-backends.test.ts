/**
 * The engine's numeric path on both CPU backends (wasm with the lab's kernels, and cpu): the
 * training loop (MLP and LeNet-5 on real digits: loss falls, no tensor growth across steps and
 * epochs) and evaluation; then wasm against cpu for the same seeds — the same weights after
 * training (within float32 rounding accumulated over the steps) and the same evaluation.
 * The kernels themselves are compared one by one in test/unit/engine/kernels.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, expect, it } from 'vitest'
import type { Dataset } from '../../../../src-main/engine/data/dataset'
import { loadMnist10k } from '../../../../src-main/engine/data/mnist-10k'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { crossEntropyLoss } from '../../../../src-main/engine/train/cross-entropy'
import { evaluate } from '../../../../src-main/engine/train/evaluate'
import { trainModel } from '../../../../src-main/engine/train/train-model'
import {
  modelSpecSchema,
  trainingSpecSchema,
  type ModelSpec,
} from '../../../../src-shared/spec/schema'
import { describeOnBackends, onCpuAndWasm } from './on-backends'

let data: Dataset

beforeAll(() => {
  data = loadMnist10k({ testFraction: 0.2, splitSeed: 0, trainLimit: 256 })
})

const models: Record<string, ModelSpec> = {
  mlp: modelSpecSchema.parse({ arch: 'mlp', hidden: [32] }),
  lenet5: modelSpecSchema.parse({ arch: 'lenet5' }),
}

interface Trained {
  weights: Float32Array[]
  losses: number[]
  tensorsPerStep: number[]
  tensorsPerEpoch: number[]
  evaluation: { loss: number; accuracy: number }
}

/** Trains a fresh model (seeded) for `epochs` on `examples` digits and evaluates it. */
async function trainFresh(
  arch: string,
  examples: number,
  epochs: number,
  evaluated: number,
): Promise<Trained> {
  const model = buildModel(models[arch], data.inputShape, 10, 5)
  const features = data.inputShape.reduce((a, b) => a * b, 1)
  const split = {
    ...data.train,
    n: examples,
    x: data.train.x.subarray(0, examples * features),
    y: data.train.y.subarray(0, examples),
  }
  const tensorsPerStep: number[] = []
  const tensorsPerEpoch: number[] = []
  const result = await trainModel({
    model,
    train: split,
    inputShape: data.inputShape,
    training: trainingSpecSchema.parse({ epochs, batchSize: 16, learningRate: 2e-3 }),
    seed: 3,
    loss: crossEntropyLoss,
    onStepEnd: () => void tensorsPerStep.push(tf.memory().numTensors),
    onEpochEnd: () => void tensorsPerEpoch.push(tf.memory().numTensors),
  })
  const evaluation = await evaluate(
    model,
    data.test.x.subarray(0, evaluated * features),
    data.test.y.subarray(0, evaluated),
  )
  const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()))
  model.dispose()
  return {
    weights,
    losses: result.history.map((h) => h['train.loss']),
    tensorsPerStep,
    tensorsPerEpoch,
    evaluation,
  }
}

// LeNet-5 on the pure-JS cpu backend is slow (convolutions): fewer examples there.
const plan = {
  mlp: { examples: 256, epochs: 3, evaluated: 200 },
  lenet5: { examples: 16, epochs: 2, evaluated: 16 },
}

// One training per backend and model, shared by the per-backend checks and the comparison.
const trained = new Map<string, Promise<Trained>>()
function train(arch: string): Promise<Trained> {
  const key = `${tf.getBackend()}:${arch}`
  const { examples, epochs, evaluated } = plan[arch as keyof typeof plan]
  if (!trained.has(key)) trained.set(key, trainFresh(arch, examples, epochs, evaluated))
  return trained.get(key) as Promise<Trained>
}

describeOnBackends('training and evaluation', () => {
  it.each(Object.keys(plan))(
    '%s: loss falls, no tensor growth, evaluation in range',
    async (arch) => {
      const before = tf.memory().numTensors
      const t = await train(arch)
      expect(t.losses[t.losses.length - 1]).toBeLessThan(t.losses[0])
      expect(new Set(t.tensorsPerStep.slice(1)).size).toBe(1)
      expect(new Set(t.tensorsPerEpoch).size).toBe(1)
      expect(tf.memory().numTensors).toBe(before)
      expect(t.evaluation.accuracy).toBeGreaterThan(0.1)
      expect(Number.isFinite(t.evaluation.loss)).toBe(true)
    },
  )
})

it.each(Object.keys(plan))(
  '%s: wasm trains to the weights cpu trains to, and evaluates the same',
  async (arch) => {
    const { cpu, wasm } = await onCpuAndWasm(() => train(arch))
    cpu.weights.forEach((w, i) => {
      let scale = 0
      let worst = 0
      for (let j = 0; j < w.length; j++) {
        scale = Math.max(scale, Math.abs(w[j]))
        worst = Math.max(worst, Math.abs(w[j] - wasm.weights[i][j]))
      }
      expect(worst, `weight ${i}`).toBeLessThanOrEqual(1e-3 * scale)
    })
    expect(wasm.evaluation.loss).toBeCloseTo(cpu.evaluation.loss, 3)
    expect(Math.abs(wasm.evaluation.accuracy - cpu.evaluation.accuracy)).toBeLessThanOrEqual(0.01)
  },
)
