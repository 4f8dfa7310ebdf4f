/**
 * A run's model exported for deployment: ONNX with the run's int8 per-channel QDQ kernels and
 * calibrated activations (ONNX Runtime computes what the lab's quantized model computes), and
 * TF.js with weight-manifest quantization that plain `tf.loadLayersModel` decodes (int8
 * per-channel re-quantized per tensor, and said so; float16 as half floats).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { exportModelFiles } from '../../../../src-main/engine/export/export-model'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { fileLoadHandler } from '../../../../src-main/engine/models/file-io-handler'
import { saveModel } from '../../../../src-main/engine/models/model-files'
import { activationPoints, calibrateActivations } from '../../../../src-main/engine/quantize/calibrate'
import { withFakeQuant } from '../../../../src-main/engine/quantize/fake-quant'
import { quantizeModelWeights } from '../../../../src-main/engine/quantize/quantize-model'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { compareWithOrt, maxDiff } from '../../../helpers/onnx-compare'

const root = mkdtempSync(join(tmpdir(), 'complab-export-model-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

let model: tf.LayersModel
let modelJsonPath: string
let activations: Record<string, { scale: number; zeroPoint: number }>
beforeAll(async () => {
  await selectBackend('cpu')
  model = buildModel(modelSpecSchema.parse({ arch: 'lenet5', filters: [4, 8], dense: [32, 16] }), [28, 28, 1], 10, 4)
  await quantizeModelWeights(model, 'int8')
  const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 3)
  activations = Object.fromEntries(await calibrateActivations(model, x, activationPoints(model), { method: 'minmax' }))
  x.dispose()
  await saveModel(model, join(root, 'run', 'model'))
  modelJsonPath = join(root, 'run', 'model', 'model.json')
})

const loadPlain = (dir: string): Promise<tf.LayersModel> => tf.loadLayersModel(fileLoadHandler(join(dir, 'model.json')))

describe('export-model', () => {
  it('onnx: the quantized run as QDQ, computing what the lab computes', async () => {
    const outDir = join(root, 'onnx')
    const done = await exportModelFiles({ modelJsonPath, quantization: { scheme: 'int8', activations }, format: 'onnx', outDir })
    expect(done.files.map((f) => f.path)).toEqual([join(outDir, 'model.onnx')])
    expect(done.notes[0]).toMatch(/5 kernels as int8 per-channel QDQ, 7 activations quantized/)
    const bytes = readFileSync(join(outDir, 'model.onnx'))
    const lab = withFakeQuant(model, new Map(Object.entries(activations)))
    const { lab: y, onnx } = await compareWithOrt(lab, 4, bytes)
    expect(maxDiff(y, onnx)).toBeLessThan(1e-3)
    lab.dispose()
  })

  it('tfjs int8: kernels re-quantized per tensor in the weights manifest (said so), loaded by plain TF.js', async () => {
    const outDir = join(root, 'tfjs-int8')
    const done = await exportModelFiles({ modelJsonPath, quantization: { scheme: 'int8', activations: {} }, format: 'tfjs', outDir })
    expect(done.notes[0]).toMatch(/5 int8 per-channel kernels were re-quantized to uint8 per tensor/)
    const manifest = JSON.parse(readFileSync(join(outDir, 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; quantization?: { dtype: string } }[] }[] }
    const specs = manifest.weightsManifest[0].weights
    expect(specs.filter((w) => w.quantization?.dtype === 'uint8')).toHaveLength(5)
    expect(specs.filter((w) => /bias/.test(w.name)).every((w) => w.quantization === undefined)).toBe(true)
    // 7,972 kernel weights as bytes, 70 biases as float32: the file is ~3.7× smaller than float32.
    expect(done.files.find((f) => f.path.endsWith('weights.bin'))?.bytes).toBe(7_972 + 70 * 4)
    const loaded = await loadPlain(outDir)
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 9)
    const a = (model.predict(x) as tf.Tensor).dataSync() as Float32Array
    const b = (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array
    // One uint8 step of the widest kernel's range at most per weight: the logits move little.
    expect(maxDiff(a, b)).toBeLessThan(0.05 * Math.max(...Array.from(a, Math.abs)))
    loaded.dispose()
  })

  it('tfjs float16 and a float run (no quantization) load in plain TF.js', async () => {
    const half = join(root, 'tfjs-f16')
    await exportModelFiles({ modelJsonPath, quantization: { scheme: 'float16', activations: {} }, format: 'tfjs', outDir: half })
    const plain = join(root, 'tfjs-f32')
    const done = await exportModelFiles({ modelJsonPath, quantization: null, format: 'tfjs', outDir: plain })
    expect(done.notes).toEqual([])
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 2)
    const a = (model.predict(x) as tf.Tensor).dataSync() as Float32Array
    for (const dir of [half, plain]) {
      const loaded = await loadPlain(dir)
      expect(maxDiff(a, (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array)).toBeLessThan(dir === plain ? 1e-6 : 1e-2)
      loaded.dispose()
    }
  })
})
