/**
 * Folded inference (batch norm folded into the kernel before it, conv/dense + bias + ReLU as one
 * fused op) against the layers model's own `predict`: equal outputs (|difference| ≤ 1e-4 relative
 * to the largest output) on residual, depthwise and concatenating nets, a Sequential stack and an
 * imported Keras-style model, with batch-norm statistics that are far from the identity so the fold
 * is exercised; no tensors left behind.
 */
import * as tf from '@tensorflow/tfjs'
import { expect, it } from 'vitest'
import { foldedInference } from '../../../../src-main/engine/measure/folded-inference'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { kerasResidualNet } from '../../../helpers/keras-residual'
import { describeOnBackends } from '../backend/on-backends'

/** Moving statistics, γ and β set to seeded values far from (0, 1) so a wrong fold shows. */
function randomizeBatchNorms(model: tf.LayersModel, seed: number): void {
  let s = seed
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue
    layer.setWeights(
      layer.getWeights().map((w, i) => {
        const name = layer.weights[i].originalName
        const u = tf.randomUniform(w.shape, 0, 1, 'float32', s++)
        const v = name.includes('variance') ? u.mul(2).add(0.2) : name.includes('gamma') ? u.mul(1.5).add(0.25) : u.sub(0.5)
        u.dispose()
        return v
      }),
    )
  }
}

function maxRelativeDifference(model: tf.LayersModel, x: tf.Tensor, predict: (x: tf.Tensor) => tf.Tensor): number {
  return tf.tidy(() => {
    const want = model.predict(x) as tf.Tensor
    const got = predict(x)
    expect(got.shape).toEqual(want.shape)
    return got.sub(want).abs().max().div(want.abs().max()).dataSync()[0]
  })
}

const net = (spec: Record<string, unknown>, shape: number[]): tf.LayersModel => buildModel(modelSpecSchema.parse(spec), shape, 10, 3)

function sequentialStack(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [10, 10, 2], filters: 6, kernelSize: 3, activation: 'relu' }),
      tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
      tf.layers.batchNormalization({ epsilon: 1e-3 }),
      tf.layers.reLU({ maxValue: 6 }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
      tf.layers.batchNormalization(),
      tf.layers.flatten(),
      tf.layers.dense({ units: 12 }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  })
}

describeOnBackends('folded inference', () => {
  const cases: [string, () => tf.LayersModel, number[], { fused: number; folded: number }][] = [
    ['resnet-8 (residual adds, projection shortcuts)', () => net({ arch: 'resnet', depth: 8, widths: [4, 8, 8] }, [12, 12, 1]), [12, 12, 1], { fused: 10, folded: 9 }],
    ['mobilenetv2 (depthwise, inverted residuals)', () => net({ arch: 'mobilenetv2', widthMultiplier: 0.25, expansion: 3, lastChannels: 16, stemStride: 2 }, [16, 16, 3]), [16, 16, 3], { fused: -1, folded: -1 }],
    ['imported Keras-style model (concatenate, depthwise, ReLU layers)', () => kerasResidualNet(1), [28, 28, 1], { fused: 11, folded: 10 }],
    ['sequential stack (ReLU6, depthwise multiplier, dense + batch norm)', sequentialStack, [10, 10, 2], { fused: 4, folded: 3 }],
  ]
  for (const [name, make, shape, want] of cases) {
    it(`equals predict: ${name}`, async () => {
      const model = make()
      randomizeBatchNorms(model, 7)
      const x = tf.randomNormal([5, ...shape], 0, 1, 'float32', 11)
      const before = tf.memory().numTensors
      const folded = await foldedInference(model)
      expect(folded.fusedOps).toBeGreaterThan(0)
      if (want.fused >= 0) expect({ fused: folded.fusedOps, folded: folded.foldedBatchNorms }).toEqual(want)
      expect(maxRelativeDifference(model, x, folded.predict)).toBeLessThan(1e-4)
      folded.dispose()
      expect(tf.memory().numTensors).toBe(before)
      x.dispose()
      model.dispose()
    })
  }
})
