/**
 * ModelSpec → tf.LayersModel: parameter and MAC counts against hand counts, logits output, seeded
 * initialisation, and the shape plan of custom models.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { modelStats } from '../../../../src-main/engine/models/layer-report'
import { planModel } from '../../../../src-main/engine/models/model-plan'

const spec = (s: unknown): ReturnType<typeof modelSpecSchema.parse> => modelSpecSchema.parse(s)

describe('buildModel', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  it('LeNet-5 (defaults) on 28×28×1, 10 classes has 61,706 parameters and 416,520 MACs', () => {
    // conv 5×5×1→6 (same): 5·5·1·6 + 6 = 156 params; 28·28·(5·5·1)·6 = 117,600 MACs
    // pool → 14×14×6; conv 5×5×6→16 (valid): 5·5·6·16 + 16 = 2,416; 10·10·(5·5·6)·16 = 240,000
    // pool → 5×5×16 = 400; dense 400→120: 48,120 / 48,000; dense 120→84: 10,164 / 10,080;
    // dense 84→10: 850 / 840. Total 61,706 parameters, 416,520 MACs.
    const model = buildModel(spec({ arch: 'lenet5' }), [28, 28, 1], 10, 0)
    const stats = modelStats(model)
    expect(model.countParams()).toBe(61_706)
    expect(stats.params).toBe(61_706)
    expect(stats.macs).toBe(416_520)
    expect(stats.layers.map((l) => [l.kind, l.params, l.macs])).toEqual([
      ['conv2d', 156, 117_600],
      ['maxPool2d', 0, 0],
      ['conv2d', 2_416, 240_000],
      ['maxPool2d', 0, 0],
      ['flatten', 0, 0],
      ['dense', 48_120, 48_000],
      ['dense', 10_164, 10_080],
      ['dense', 850, 840],
    ])
    model.dispose()
  })

  it('MLP 784-800-800-10 has 1,276,810 parameters and 1,275,200 MACs, input flattened', () => {
    // 784·800 + 800 = 628,000; 800·800 + 800 = 640,800; 800·10 + 10 = 8,010.
    const model = buildModel(spec({ arch: 'mlp', hidden: [800, 800] }), [28, 28, 1], 10, 0)
    expect(model.inputs[0].shape).toEqual([null, 28, 28, 1])
    expect(model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Flatten', 'Dense', 'Dense', 'Dense'])
    const stats = modelStats(model)
    expect(stats.params).toBe(1_276_810)
    expect(stats.macs).toBe(784 * 800 + 800 * 800 + 800 * 10)
    model.dispose()
  })

  it('outputs logits: a linear dense layer of numClasses units, no softmax', () => {
    const model = buildModel(spec({ arch: 'mlp', hidden: [16] }), [28, 28, 1], 7, 0)
    const last = model.layers[model.layers.length - 1]
    expect(last.getClassName()).toBe('Dense')
    expect((last.getConfig() as { activation: string }).activation).toBe('linear')
    expect(model.outputs[0].shape).toEqual([null, 7])
    const out = tf.tidy(() => (model.predict(tf.ones([3, 28, 28, 1])) as tf.Tensor).sum(1).arraySync() as number[])
    expect(out.some((s) => Math.abs(s - 1) > 1e-3)).toBe(true)
    model.dispose()
  })

  it('initialises weights from the seed: same seed, same weights; another seed, others', () => {
    const weights = (seed: number): Float32Array[] => {
      const m = buildModel(spec({ arch: 'lenet5' }), [28, 28, 1], 10, seed)
      const w = m.getWeights().map((t) => t.dataSync() as Float32Array)
      m.dispose()
      return w
    }
    const a = weights(5)
    const b = weights(5)
    const c = weights(6)
    a.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(b[i].buffer))).toBe(true))
    expect(Buffer.from(a[0].buffer).equals(Buffer.from(c[0].buffer))).toBe(false)
    // Two layers of the same shape get different initial weights (per-layer seeds).
    const twin = buildModel(spec({ arch: 'mlp', hidden: [32, 32, 32] }), [4], 2, 1)
    const [, , w2, , w3] = twin.getWeights().map((t) => t.dataSync())
    expect(w2[0]).not.toBe(w3[0])
    twin.dispose()
  })

  it('builds custom layer lists, adding flatten before dense and the logits layer', () => {
    const model = buildModel(
      spec({ arch: 'custom', layers: [{ type: 'conv2d', filters: 4, kernelSize: 3 }, { type: 'batchNorm' }, { type: 'dense', units: 8 }] }),
      [8, 8, 1],
      3,
      0,
    )
    expect(model.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D', 'BatchNormalization', 'Flatten', 'Dense', 'Dense'])
    expect(model.outputs[0].shape).toEqual([null, 3])
    model.dispose()
  })
})

describe('planModel (tf-free shape inference)', () => {
  it('infers LeNet-5 shapes', () => {
    const plan = planModel(spec({ arch: 'lenet5' }), [28, 28, 1], 10)
    expect(plan.issues).toEqual([])
    expect(plan.layers.map((l) => l.outputShape)).toEqual([[28, 28, 6], [14, 14, 6], [10, 10, 16], [5, 5, 16], [400], [120], [84], [10]])
  })

  it('says when conv/pool layers shrink the image below 1×1', () => {
    const plan = planModel(
      spec({ arch: 'custom', layers: [{ type: 'conv2d', filters: 4, kernelSize: 5 }, { type: 'maxPool2d' }, { type: 'conv2d', filters: 8, kernelSize: 5 }] }),
      [12, 12, 1],
      10,
    )
    expect(plan.issues).toEqual([
      'layer 3 (conv2d 5×5/1 valid): its 4×4×4 input is smaller than the 5×5 window, so the image would shrink ' +
        'below 1×1; use fewer conv/pool layers, smaller windows or padding same',
    ])
  })

  it('says when a conv layer meets a flat input', () => {
    const plan = planModel(spec({ arch: 'custom', layers: [{ type: 'flatten' }, { type: 'conv2d', filters: 4, kernelSize: 3 }] }), [28, 28, 1], 10)
    expect(plan.issues[0]).toBe(
      'layer 2 (conv2d 3×3/1 valid): needs an image input [height, width, channels] but receives a flat vector of ' +
        '784 values; put conv/pool layers before flatten and dense layers',
    )
    expect(planModel(spec({ arch: 'lenet5' }), [784], 10).issues[0]).toMatch(/^lenet5 layer 1 \(conv2d 5×5\/1 same\): needs an image input/)
  })

  it('keeps a final linear dense layer of numClasses units as the logits', () => {
    const plan = planModel(spec({ arch: 'custom', layers: [{ type: 'dense', units: 10, activation: 'linear' }] }), [28, 28, 1], 10)
    expect(plan.layers.map((l) => l.spec.type)).toEqual(['flatten', 'dense'])
  })
})
