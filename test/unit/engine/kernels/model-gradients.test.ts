/**
 * The kernel audit: every model family of the lab trains on wasm with the lab's kernels, with the
 * same gradients as on cpu. For each model, one full gradient (all trainable weights) of a batch
 * of 8 on wasm and on cpu; per weight tensor |wasm − cpu| ≤ 1e-3 · max|cpu| + 1e-5 (batch norm
 * divides by small variances, so its tolerance is wider than a single kernel's). A kernel that
 * wasm lacked would throw here; the kernels each model ran are recorded and must all be
 * registered for wasm. Models: LeNet-5, MLP with (seeded) dropout, a custom conv/batch-norm/
 * average-pool net, overlapping 3×3/2 max pooling with tanh/sigmoid, a strided 'same' conv, and
 * the Tiny-YOLO-style detector (conv + batch norm + leaky ReLU + pooling).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildTinyYolo } from '../../../../src-main/engine/detect/tiny-yolo'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { crossEntropy } from '../../../../src-main/engine/train/cross-entropy'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { randomValues } from './backend-compare'

interface Case {
  name: string
  inputShape: [number, number, number]
  build(): tf.LayersModel
  /** Logits → scalar loss. */
  loss(out: tf.Tensor, labels: tf.Tensor1D): tf.Scalar
}

const classify = (out: tf.Tensor, labels: tf.Tensor1D): tf.Scalar =>
  crossEntropy(out as tf.Tensor2D, labels)
const spec =
  (s: unknown): (() => tf.LayersModel) =>
  () =>
    buildModel(modelSpecSchema.parse(s), [28, 28, 1], 10, 7)

const cases: Case[] = [
  { name: 'LeNet-5', inputShape: [28, 28, 1], build: spec({ arch: 'lenet5' }), loss: classify },
  {
    name: 'MLP with dropout',
    inputShape: [28, 28, 1],
    build: spec({ arch: 'mlp', hidden: [64, 32], dropout: 0.3, inputDropout: 0.2 }),
    loss: classify,
  },
  {
    name: 'conv / batch norm / average pool',
    inputShape: [28, 28, 1],
    build: spec({
      arch: 'custom',
      layers: [
        { type: 'conv2d', filters: 8, kernelSize: 3, padding: 'same', activation: 'linear' },
        { type: 'batchNorm' },
        { type: 'avgPool2d', poolSize: 2 },
        { type: 'conv2d', filters: 12, kernelSize: 3, activation: 'relu' },
        { type: 'avgPool2d', poolSize: 3, strides: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 16, activation: 'relu' },
        { type: 'dropout', rate: 0.25 },
      ],
    }),
    loss: classify,
  },
  {
    name: 'overlapping max pooling, tanh and sigmoid',
    inputShape: [28, 28, 1],
    build: spec({
      arch: 'custom',
      layers: [
        { type: 'conv2d', filters: 6, kernelSize: 5, activation: 'tanh' },
        { type: 'maxPool2d', poolSize: 3, strides: 2 },
        {
          type: 'conv2d',
          filters: 8,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'sigmoid',
        },
        { type: 'flatten' },
        { type: 'dense', units: 10, activation: 'linear' },
      ],
    }),
    loss: classify,
  },
  {
    name: 'Tiny-YOLO-style detector',
    inputShape: [32, 32, 3],
    build: () =>
      buildTinyYolo({
        inputShape: [32, 32, 3],
        head: {
          gridSize: 4,
          anchors: [
            [0.3, 0.3],
            [0.6, 0.5],
          ],
          numClasses: 3,
        },
        seed: 7,
        filters: [8, 8, 16],
        gridFilters: [16],
      }),
    loss: (out) => tf.mean(tf.square(out)) as tf.Scalar,
  },
]

/** Kernels run (by name) while f runs, and f's result. */
function recordingKernels<T>(f: () => T): { result: T; kernels: Set<string> } {
  const kernels = new Set<string>()
  // runKernelFunc is private in the engine's types: reach it through a structural view.
  const engine = tf.engine() as unknown as {
    runKernelFunc: (params: { kernelName?: string }) => unknown
  }
  const original = engine.runKernelFunc.bind(tf.engine())
  engine.runKernelFunc = (params) => {
    if (params.kernelName) kernels.add(params.kernelName)
    return original(params)
  }
  try {
    return { result: f(), kernels }
  } finally {
    engine.runKernelFunc = original
  }
}

function gradients(c: Case): Float32Array[] {
  return tf.tidy(() => {
    const model = c.build()
    const n = 8
    const x = tf.tensor(randomValues(n * c.inputShape.reduce((a, b) => a * b), 3), [
      n,
      ...c.inputShape,
    ])
    const y = tf.tensor1d(
      Array.from({ length: n }, (_, i) => (i * 3) % 10),
      'int32',
    )
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
    const { grads } = tf.variableGrads(
      () => c.loss(model.apply(x, { training: true }) as tf.Tensor, y),
      vars,
    )
    const out = vars.map((v) => Float32Array.from(grads[v.name].dataSync()))
    model.dispose()
    return out
  })
}

describe('every model family trains on wasm with cpu-equal gradients', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await tf.setBackend('cpu')
    const cpu = gradients(c)
    await tf.setBackend('wasm')
    const { result: wasm, kernels } = recordingKernels(() => gradients(c))
    expect(kernels.size).toBeGreaterThan(5)
    for (const k of kernels) expect(tf.getKernel(k, 'wasm'), `kernel ${k}`).toBeDefined()
    expect(wasm.length).toBe(cpu.length)
    cpu.forEach((g, i) => {
      let scale = 0
      let worst = 0
      for (let j = 0; j < g.length; j++) {
        scale = Math.max(scale, Math.abs(g[j]))
        worst = Math.max(worst, Math.abs(g[j] - wasm[i][j]))
      }
      expect(worst, `${c.name} weight ${i}`).toBeLessThanOrEqual(1e-3 * scale + 1e-5)
    })
  })
})
