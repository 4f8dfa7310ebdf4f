import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { taylorImportance, unitMegaMacs } from '../../../../src-main/engine/prune/importance/taylor'
import type { Batch } from '../../../../src-main/engine/prune/importance/types'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { convFlattenDense, setWeights } from './fixtures'

const mse = (y: tf.Tensor, p: tf.Tensor): tf.Scalar => tf.losses.meanSquaredError(y, p) as tf.Scalar

/** 2 inputs → hidden dense (2 units, ReLU) → 1 output; W1 = [[1, −1], [2, 1]], W2 = [[1], [2]], b = 0. */
function tinyNet(separateRelu: boolean): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [2],
        units: 2,
        activation: separateRelu ? 'linear' : 'relu',
        name: 'h',
      }),
      ...(separateRelu ? [tf.layers.reLU({ name: 'relu' })] : []),
      tf.layers.dense({ units: 1, name: 'out' }),
    ],
  })
  setWeights(model, 'h', [
    [
      [1, -1],
      [2, 1],
    ],
    [0, 0],
  ])
  setWeights(model, 'out', [[[1], [2]], [0]])
  return model
}

// By hand, C_n = (y_n − t_n)² (MSE is the batch mean of these):
//  x = (1, 1), t = 0: z = relu(1 + 2, −1 + 1) = (3, 0), y = 3·1 + 0·2 = 3, ∂C/∂y = 2·3 = 6,
//    ∂C/∂z = 6·(1, 2) = (6, 12), Θ = |∂C/∂z · z| = (18, 0).
//  x = (1, 2), t = 1: z = relu(1 + 4, −1 + 2) = (5, 1), y = 5 + 2 = 7, ∂C/∂y = 2·6 = 12,
//    ∂C/∂z = (12, 24), Θ = (60, 24).
//  Mean over the 2 examples: Θ = (39, 12). Eq. (8): ‖Θ‖ = √(39² + 12²) = √1665 = 40.80441,
//  Θ̂ = (0.955779, 0.294086).
const RAW = [39, 12]
const NORMALISED = [39 / Math.sqrt(1665), 12 / Math.sqrt(1665)]

function batches(split: boolean): () => Batch[] {
  const xs = tf.tensor2d([
    [1, 1],
    [1, 2],
  ])
  const ys = tf.tensor2d([[0], [1]])
  if (!split) return () => [{ xs, ys }]
  const parts = [0, 1].map((i) => ({
    xs: tf.slice(xs, [i, 0], [1, 2]),
    ys: tf.slice(ys, [i, 0], [1, 1]),
  }))
  return () => parts
}

describe('Taylor criterion (Molchanov 2017)', () => {
  /** Scores tinyNet's hidden layer without normalisation; they must be the hand-computed Θ. */
  async function expectRawScores(split: boolean): Promise<void> {
    const model = tinyNet(false)
    const scores = await taylorImportance({ normalize: false }).score({
      model,
      data: batches(split),
      loss: mse,
    })
    expect([...scores.keys()]).toEqual(['h'])
    Array.from(scores.get('h') as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(RAW[i], 4))
    model.dispose()
  }

  it('matches the hand-computed Θ before normalisation', async () => {
    await expectRawScores(false)
  })

  it('applies the layer-wise L2 normalisation of eq. (8), also with ReLU as its own layer', async () => {
    for (const separate of [false, true]) {
      const model = tinyNet(separate)
      const scores = await taylorImportance().score({ model, data: batches(false), loss: mse })
      Array.from(scores.get('h') as Float32Array).forEach((v, i) =>
        expect(v).toBeCloseTo(NORMALISED[i], 5),
      )
      model.dispose()
    }
  })

  it('averages per example across batches of any size', async () => {
    await expectRawScores(true)
  })

  it('subtracts λ·FLOPs_l (MMAC per unit) after normalisation', async () => {
    const model = tinyNet(false)
    const structure = analyzeStructure(model)
    // A hidden unit costs fan-in 2 MACs = 2e-6 MMAC; with λ = 1000 the term is 0.002.
    expect(unitMegaMacs(model, structure.prunable[0].owners[0])).toBeCloseTo(2e-6, 12)
    const scores = await taylorImportance({ flopsLambda: 1000 }).score({
      model,
      structure,
      data: batches(false),
      loss: mse,
    })
    Array.from(scores.get('h') as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo(NORMALISED[i] - 0.002, 5),
    )
    model.dispose()
  })

  it('takes |(1/M) Σ_m ∂C/∂z_m z_m| per example for conv maps (checked against direct gradients)', async () => {
    const model = convFlattenDense(
      {
        inputShape: [3, 3, 1],
        filters: 2,
        kernelSize: 2,
        name: 'c',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
        biasInitializer: 'zeros',
      },
      { kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) },
    )
    const xs = tf.randomNormal([3, 3, 3, 1], 0, 1, 'float32', 5)
    const ys = tf.tensor2d([[1], [-1], [0.5]])
    const scores = await taylorImportance({ normalize: false }).score({
      model,
      data: () => [{ xs, ys }],
      loss: mse,
    })
    // Reference: for each example split the net at z = conv(x) and differentiate C_n w.r.t. z.
    const expected = [0, 0]
    for (let n = 0; n < 3; n++) {
      const xn = tf.slice(xs, [n, 0, 0, 0], [1, 3, 3, 1])
      const yn = tf.slice(ys, [n, 0], [1, 1])
      const z = model.getLayer('c').apply(xn) as tf.Tensor
      const rest = (t: tf.Tensor): tf.Tensor =>
        model.getLayer('out').apply(model.getLayer('f').apply(t)) as tf.Tensor
      const g = tf.grad((t: tf.Tensor) => mse(yn, rest(t)))(z)
      const zv = z.arraySync() as number[][][][]
      const gv = g.arraySync() as number[][][][]
      for (let k = 0; k < 2; k++) {
        let s = 0
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) s += gv[0][i][j][k] * zv[0][i][j][k]
        expected[k] += Math.abs(s / 4) / 3 // M = 4 positions, mean over 3 examples
      }
    }
    Array.from(scores.get('c') as Float32Array).forEach((v, i) =>
      expect(v).toBeCloseTo(expected[i], 5),
    )
    model.dispose()
  })

  it('needs data and a loss', async () => {
    const model = tinyNet(false)
    await expect(taylorImportance().score({ model, loss: mse })).rejects.toThrow(
      "criterion 'taylor' needs data batches",
    )
    await expect(taylorImportance().score({ model, data: batches(false) })).rejects.toThrow(
      "criterion 'taylor' needs a loss",
    )
    model.dispose()
  })
})
