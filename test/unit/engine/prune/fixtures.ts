/**
 * Small models and helpers shared by the pruning tests (not a test file itself). Importing it
 * selects the cpu backend, the reference every pruning test computes on.
 */
import * as tf from '@tensorflow/tfjs'
import { expect } from 'vitest'

await tf.setBackend('cpu')

/** Sets a layer's weights from nested arrays (shapes taken from the layer's current weights). */
export function setWeights(model: tf.LayersModel, layer: string, values: tf.TensorLike[]): void {
  const l = model.getLayer(layer)
  const current = l.getWeights()
  const next = current.map((w, i) => tf.tensor(values[i], w.shape))
  l.setWeights(next)
  tf.dispose(next)
}

/** Replaces some entries of a layer's weight `index` (flat positions → values). */
export function patchWeight(
  model: tf.LayersModel,
  layer: string,
  index: number,
  patch: (values: Float32Array, shape: number[]) => void,
): void {
  const l = model.getLayer(layer)
  const current = l.getWeights()
  const values = Float32Array.from(current[index].dataSync() as Float32Array)
  patch(values, current[index].shape)
  const replaced = tf.tensor(values, current[index].shape)
  l.setWeights(current.map((w, i) => (i === index ? replaced : w)))
  replaced.dispose()
}

/** Largest |a − b| of two model outputs on the same input. */
export function maxOutputDifference(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): number {
  return tf.tidy(
    () =>
      tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0],
  )
}

const seeded = (seed: number): ReturnType<typeof tf.initializers.glorotUniform> =>
  tf.initializers.glorotUniform({ seed })

/** conv(3 filters) → BN → ReLU → max-pool → flatten → dense(4, relu) → dense(2). Input [6, 6, 2]. */
export function convChain(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [6, 6, 2],
        filters: 3,
        kernelSize: 3,
        name: 'c1',
        kernelInitializer: seeded(1),
        biasInitializer: 'ones',
      }),
      tf.layers.batchNormalization({ name: 'bn1' }),
      tf.layers.activation({ activation: 'relu', name: 'r1' }),
      tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }),
      tf.layers.flatten({ name: 'f1' }),
      tf.layers.dense({ units: 4, activation: 'relu', name: 'd1', kernelInitializer: seeded(2) }),
      tf.layers.dense({ units: 2, name: 'out', kernelInitializer: seeded(3) }),
    ],
  })
}

/** dense(5, relu) → dropout → dense(4, relu) → dense(3). Input [4]. */
export function mlp(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [4],
        units: 5,
        activation: 'relu',
        name: 'h1',
        kernelInitializer: seeded(11),
        biasInitializer: 'ones',
      }),
      tf.layers.dropout({ rate: 0.5, name: 'drop' }),
      tf.layers.dense({
        units: 4,
        activation: 'relu',
        name: 'h2',
        kernelInitializer: seeded(12),
        biasInitializer: 'ones',
      }),
      tf.layers.dense({ units: 3, name: 'out', kernelInitializer: seeded(13) }),
    ],
  })
}

/** Deterministic input in [-1, 1) of the given shape. */
export function fixedInput(shape: number[], seed = 1): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed)
}

/**
 * A real, deterministic evaluation: a model's accuracy on `x` against the labels `reference`
 * predicts there (its argmax), so the unpruned reference scores 1.
 */
export function agreementWith(
  reference: tf.LayersModel,
  x: tf.Tensor,
): { evaluate: (m: tf.LayersModel) => Promise<number>; labels: tf.Tensor } {
  const labels = tf.tidy(() => tf.argMax(reference.predict(x) as tf.Tensor, 1))
  const evaluate = async (m: tf.LayersModel): Promise<number> => {
    const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(m.predict(x) as tf.Tensor, 1), labels), 'float32')))
    const v = (await acc.data())[0]
    acc.dispose()
    return v
  }
  return { evaluate, labels }
}

/** Weights of a model as plain arrays, to compare before/after. */
export function weightValues(model: tf.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()))
}

/** conv2d(`conv`) → flatten 'f' → dense(1 unit, 'out', overridden by `dense`). */
export function convFlattenDense(
  conv: Parameters<typeof tf.layers.conv2d>[0],
  dense: Partial<Parameters<typeof tf.layers.dense>[0]> = {},
): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d(conv),
      tf.layers.flatten({ name: 'f' }),
      tf.layers.dense({ units: 1, name: 'out', ...dense }),
    ],
  })
}

/** Expects `pruned` to compute what `model` did (within 1e-5) on a fixed input of `shape`. */
export function expectSameOutputs(
  model: tf.LayersModel,
  pruned: tf.LayersModel,
  shape: number[],
  seed?: number,
): void {
  const x = fixedInput(shape, seed)
  expect(maxOutputDifference(model, pruned, x)).toBeLessThan(1e-5)
  tf.dispose(x)
}
