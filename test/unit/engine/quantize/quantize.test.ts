/**
 * Quantization numerics against hand values (METHODS Q1), and quantized models exported as QDQ
 * ONNX computing in ONNX Runtime what the lab computes: weights-only within 1e-4 (the same
 * dequantized values), static activations within one activation step of the output.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { exportOnnx } from '../../../../src-main/engine/export/onnx/export-onnx'
import { decodeOnnxModel } from '../../../../src-main/engine/export/onnx/graph-builder'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { activationPoints, calibrateActivations, rangeOf } from '../../../../src-main/engine/quantize/calibrate'
import { fakeQuantize, withFakeQuant } from '../../../../src-main/engine/quantize/fake-quant'
import { quantizeModelWeights, weightBytes } from '../../../../src-main/engine/quantize/quantize-model'
import { dequantizeKernel, fromFloat16Bits, quantizeInt8PerChannel, quantizeUint8PerTensor, toFloat16Bits } from '../../../../src-main/engine/quantize/quantize-tensor'
import { huffmanBits } from '../../../../src-main/engine/quantize/huffman'
import { shadowWeights } from '../../../../src-main/engine/quantize/qat'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { compareWithOrt, maxDiff } from '../../../helpers/onnx-compare'

const lenet = (): tf.LayersModel => buildModel(modelSpecSchema.parse({ arch: 'lenet5' }), [28, 28, 1], 10, 3)

describe('quantization', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  it('int8 per channel: s_c = max|W_c| / 127, q rounded half to even; uint8 affine keeps 0 exact', () => {
    // [rows = 2, C = 2]: channel 0 holds 1.27 and −0.635, channel 1 holds 0.5 and 0.
    const w = Float32Array.of(1.27, 0.5, -0.635, 0)
    const e = quantizeInt8PerChannel(w, 2)
    expect(Array.from(e.scales)).toEqual([Math.fround(1.27 / 127), Math.fround(0.5 / 127)])
    expect(Array.from(e.q)).toEqual([127, 127, -64, 0]) // −63.5 → −64 (half to even)
    const u = quantizeUint8PerTensor(Float32Array.of(-1, 0, 3))
    expect(u.scale).toBeCloseTo(4 / 255, 9)
    expect(u.zeroPoint).toBe(64) // round(255 / 4 = 63.75)
    expect(dequantizeKernel(u, Float32Array.of())[1]).toBe(0)
  })

  it('float16 bits round to nearest even and read back (1, 65504, 2^-24, 1 + 2^-11 → 1)', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00)
    expect(toFloat16Bits(65504)).toBe(0x7bff)
    expect(toFloat16Bits(70000)).toBe(0x7c00)
    expect(fromFloat16Bits(toFloat16Bits(2 ** -24))).toBe(2 ** -24)
    expect(fromFloat16Bits(toFloat16Bits(1 + 2 ** -11))).toBe(1)
    expect(fromFloat16Bits(toFloat16Bits(-0.333251953125))).toBe(-0.333251953125)
  })

  it('Huffman code lengths (Deep Compression step 3): frequencies 1, 1, 2 code in 6 bits; one symbol in 1 bit each', () => {
    expect(huffmanBits([1, 1, 2])).toBe(6)
    expect(huffmanBits([0, 5, 0])).toBe(5)
    expect(huffmanBits([1, 1, 1, 1])).toBe(8)
  })

  it('percentile calibration clips an outlier that min–max keeps', () => {
    const values = Float32Array.from({ length: 10_001 }, (_, i) => (i === 0 ? 1000 : (i % 100) / 100))
    expect(rangeOf(values, { method: 'minmax' }).scale).toBeCloseTo(1000 / 255, 6)
    expect(rangeOf(values, { method: 'percentile', percentile: 99.9 }).scale).toBeLessThan(1 / 255 + 1e-9)
  })

  it('fake quantization passes the gradient straight through inside the range and zero outside', () => {
    const q = { scale: 0.1, zeroPoint: 10 } // range [−1, 24.5]
    const g = tf.grad((x: tf.Tensor) => fakeQuantize(x, q).sum())(tf.tensor1d([-2, -0.96, 3.04, 30]))
    expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 0])
    expect(Array.from(fakeQuantize(tf.tensor1d([-2, -0.96, 3.04, 30]), q).dataSync()).map((v) => Math.round(v * 100) / 100)).toEqual([-1, -1, 3, 24.5])
  })

  for (const scheme of ['int8', 'uint8', 'float16'] as const) {
    it(`${scheme} weights only: ONNX Runtime computes the lab's quantized LeNet-5 (within 1e-4 unoptimised; 1 % optimised); weight bytes as stored`, async () => {
      const model = lenet()
      const float = weightBytes(model).total
      const kernels = await quantizeModelWeights(model, scheme)
      const bytes = (await exportOnnx(model, { kernels })).bytes
      // Unoptimised, ORT dequantizes and computes in float: the lab's values exactly.
      const exact = await compareWithOrt(model, 2, bytes, { graphOptimizationLevel: 'disabled' })
      expect(maxDiff(exact.lab, exact.onnx)).toBeLessThan(1e-4)
      // Optimised, ORT runs integer kernels on dynamically quantized activations: within 1 % of the output's range.
      const { lab, onnx } = await compareWithOrt(model, 2, bytes)
      expect(maxDiff(lab, onnx)).toBeLessThan(0.01 * Math.max(...Array.from(lab, Math.abs)))
      const stored = weightBytes(model, kernels).total
      // 61,470 kernel weights of 61,706; int8 adds 4 + 1 bytes per channel (6 + 16 + 120 + 84 + 10).
      if (scheme === 'int8') expect(stored).toBe(61_470 + 5 * 236 + 4 * 236)
      expect(float / stored).toBeGreaterThan(scheme === 'float16' ? 1.9 : 3.8)
      model.dispose()
    })
  }

  it('int8 export is per-channel QDQ (DequantizeLinear on int8 kernels with a scale per channel)', async () => {
    const model = lenet()
    const kernels = await quantizeModelWeights(model, 'int8')
    const decoded = decodeOnnxModel((await exportOnnx(model, { kernels })).bytes) as { graph: { node: { opType: string; input: string[] }[]; initializer: { name: string; dataType: number; dims: number[] }[] } }
    const init = new Map(decoded.graph.initializer.map((i) => [i.name, i]))
    const dq = decoded.graph.node.filter((n) => n.opType === 'DequantizeLinear')
    expect(dq).toHaveLength(5)
    for (const n of dq) {
      expect(init.get(n.input[0])?.dataType).toBe(3)
      expect(init.get(n.input[1])?.dims).toHaveLength(1)
    }
    model.dispose()
  })

  it('static int8 activations: ORT agrees with the lab\'s fake-quantized model (argmax and within an output step)', async () => {
    const model = lenet()
    const kernels = await quantizeModelWeights(model, 'int8')
    const x = tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 5)
    const activations = await calibrateActivations(model, x, activationPoints(model), { method: 'minmax' })
    // The input, the 2 convs' and 2 hidden dense layers' outputs, pool 1 and flatten (what conv 2 and dense 1 read).
    expect(activations.size).toBe(7)
    expect(activations.has('')).toBe(true)
    const evaluated = withFakeQuant(model, activations)
    const { lab, onnx } = await compareWithOrt(evaluated, 4, (await exportOnnx(model, { kernels, activations })).bytes)
    expect(maxDiff(lab, onnx)).toBeLessThan(1e-3)
    x.dispose()
    model.dispose()
  })

  it('QAT shadow weights: the model computes with quantized kernels; small updates accumulate on the float kernels', async () => {
    // Channel 0 holds 1 and 0.3: s = 1/127, 0.3 → q = 38 (0.2992). Two steps of +0.002 on 0.3 move
    // the float weight to 0.304 → q = 39; re-quantizing the quantized weight each step would stay at 38.
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], useBias: false })] })
    const kernel = model.layers[0].weights[0]
    kernel.write(tf.tensor2d([[1], [0.3]]))
    const shadow = shadowWeights(model, 'int8')
    const now = async (): Promise<number> => (await kernel.read().data())[1] * 127
    expect(await now()).toBeCloseTo(38, 4)
    for (const expected of [38, 39]) {
      const [w0, w1] = Array.from(await kernel.read().data())
      kernel.write(tf.tensor2d([[w0], [w1 + 0.002]])) // an optimiser step
      shadow.step()
      expect(await now()).toBeCloseTo(expected, 4)
    }
    const q = (await shadow.finish()).get(model.layers[0].name)
    expect(q?.kind === 'int8' && Array.from(q.q)).toEqual([127, 39])
    expect(() => shadowWeights(model, 'float16')).toThrow(/needs an integer scheme/)
    model.dispose()
  })
})
