/**
 * The model families the lab builds, as the kernel audits run them (wasm in
 * model-gradients.test.ts, webgpu in test/webgpu): LeNet-5, MLP with (seeded) dropout, a custom
 * conv/batch-norm/average-pool net, overlapping 3×3/2 max pooling with tanh/sigmoid and a strided
 * 'same' conv, and the Tiny-YOLO-style detector (conv + batch norm + leaky ReLU + pooling).
 */
import * as tf from '@tensorflow/tfjs'
import { buildTinyYolo } from '../../../../src-main/engine/detect/tiny-yolo'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { crossEntropy } from '../../../../src-main/engine/train/cross-entropy'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { randomValues } from './backend-compare'

export interface ModelCase {
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

export const MODEL_CASES: ModelCase[] = [
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

/** A seeded batch of 8 for a case: inputs and class labels. */
export function caseBatch(c: ModelCase): { x: tf.Tensor; y: tf.Tensor1D } {
  const n = 8
  const x = tf.tensor(randomValues(n * c.inputShape.reduce((a, b) => a * b), 3), [
    n,
    ...c.inputShape,
  ])
  const y = tf.tensor1d(
    Array.from({ length: n }, (_, i) => (i * 3) % 10),
    'int32',
  )
  return { x, y }
}

/** Kernels run (by name) while f runs, and f's result. */
export function recordingKernels<T>(f: () => T): { result: T; kernels: Set<string> } {
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
