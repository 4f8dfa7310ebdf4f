/**
 * ONNX export of every layer kind the lab builds: tiny seeded models exported, run by ONNX Runtime
 * (CPU execution provider) on seeded inputs, outputs equal to TF.js's within 1e-4; the batch
 * dimension dynamic; a layer kind without an exporter refused by name.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { SpaceToDepth } from '../../../../src-main/engine/detect/space-to-depth'
import { exportOnnx } from '../../../../src-main/engine/export/onnx/export-onnx'
import { decodeOnnxModel } from '../../../../src-main/engine/export/onnx/graph-builder'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { compareWithOrt, maxDiff } from '../../../helpers/onnx-compare'

/** Sets every weight to seeded values (BN variances positive) so no layer is an identity by accident. */
function randomize(model: tf.LayersModel, seed: number): void {
  let s = seed
  for (const w of model.weights) {
    const shape = w.shape as number[]
    const positive = /moving_variance|gamma/.test(w.originalName)
    w.write(tf.randomUniform(shape, positive ? 0.5 : -0.5, positive ? 1.5 : 0.5, 'float32', s++))
  }
}

const input = (shape: number[]): tf.SymbolicTensor => tf.input({ shape })

const MODELS: Record<string, () => tf.LayersModel> = {
  'mlp (dense, relu, dropout, softmax)': () =>
    buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [12, 8], dropout: 0.3 }), [20], 5, 1),
  'lenet5 (conv same/valid, max pool, flatten, dense)': () => buildModel(modelSpecSchema.parse({ arch: 'lenet5' }), [28, 28, 1], 10, 2),
  'conv + batch norm (folded) + leaky relu, average pool': () => {
    const x = input([9, 9, 3])
    let y = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor
    y = tf.layers.leakyReLU({ alpha: 0.1 }).apply(y) as tf.SymbolicTensor
    y = tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(y) as tf.SymbolicTensor
    return tf.model({ inputs: x, outputs: y })
  },
  'batch norm not foldable (after relu), on a feature map and on a vector': () => {
    const x = input([6, 6, 2])
    let y = tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }).apply(x) as tf.SymbolicTensor
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor
    y = tf.layers.flatten().apply(y) as tf.SymbolicTensor
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor
    return tf.model({ inputs: x, outputs: y })
  },
  'depthwise (multiplier 2) + relu6 + pointwise + global average pool': () => {
    const x = input([8, 8, 3])
    let y = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor
    y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor
    y = tf.layers.reLU({ maxValue: 6 }).apply(y) as tf.SymbolicTensor
    y = tf.layers.conv2d({ filters: 5, kernelSize: 1, activation: 'sigmoid' }).apply(y) as tf.SymbolicTensor
    y = tf.layers.globalAveragePooling2d({}).apply(y) as tf.SymbolicTensor
    return tf.model({ inputs: x, outputs: y })
  },
  'residual add, concatenate, space-to-depth, activation layers, global max pool': () => {
    const x = input([8, 8, 4])
    const a = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x) as tf.SymbolicTensor
    const sum = tf.layers.add().apply([a, x]) as tf.SymbolicTensor
    const act = tf.layers.activation({ activation: 'tanh' }).apply(sum) as tf.SymbolicTensor
    const s2d = new SpaceToDepth({ blockSize: 2 }).apply(act) as tf.SymbolicTensor
    const pooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x) as tf.SymbolicTensor
    const cat = tf.layers.concatenate({ axis: -1 }).apply([s2d, pooled]) as tf.SymbolicTensor
    const y = tf.layers.globalMaxPooling2d({}).apply(cat) as tf.SymbolicTensor
    const z = tf.layers.dense({ units: 3, activation: 'softmax' }).apply(y) as tf.SymbolicTensor
    return tf.model({ inputs: x, outputs: z })
  },
  'a feature-map output (a detector head): NHWC out': () => {
    const x = input([4, 4, 2])
    const y = tf.layers.conv2d({ filters: 6, kernelSize: 1, activation: 'elu' }).apply(x) as tf.SymbolicTensor
    return tf.model({ inputs: x, outputs: y })
  },
}

describe('ONNX export', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  for (const [what, make] of Object.entries(MODELS)) {
    it(`${what}: ONNX Runtime's outputs equal TF.js's within 1e-4 at batch 1 and 3`, async () => {
      const model = make()
      randomize(model, 11)
      for (const batch of [1, 3]) {
        const { lab, onnx, dims } = await compareWithOrt(model, batch)
        expect(dims).toEqual([batch, ...(model.outputs[0].shape.slice(1) as number[])])
        expect(maxDiff(lab, onnx)).toBeLessThan(1e-4)
      }
      model.dispose()
    })
  }

  it('writes opset 13, a dynamic batch dimension, the NHWC input, and folds BatchNormalization', async () => {
    const model = MODELS['conv + batch norm (folded) + leaky relu, average pool']()
    const decoded = decodeOnnxModel((await exportOnnx(model)).bytes) as {
      opsetImport: { version: number }[]
      graph: { node: { opType: string }[]; input: { type: { tensorType: { shape: { dim: Record<string, unknown>[] } } } }[] }
    }
    expect(decoded.opsetImport[0].version).toBe(13)
    expect(decoded.graph.input[0].type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 9 }, { dimValue: 9 }, { dimValue: 3 }])
    const ops = decoded.graph.node.map((n) => n.opType)
    expect(ops).not.toContain('Mul')
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(1)
    model.dispose()
  })

  it('refuses a layer kind it does not know, naming the layer and its kind', async () => {
    const x = input([4, 4, 1])
    const y = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(x) as tf.SymbolicTensor
    const model = tf.model({ inputs: x, outputs: y })
    await expect(exportOnnx(model)).rejects.toThrow(/layer 'up' is a UpSampling2D, which ONNX export does not know/)
    model.dispose()
  })
})
