/**
 * A model in the TF.js layers format with quantized weights, as TF.js itself reads them: the
 * weights manifest's per-tensor `quantization` (`uint8` affine, x = min + scale · q, or
 * `float16`), which `tf.loadLayersModel` decodes with no extra code. Only kernels are quantized
 * (biases and BatchNormalization stay float32, as in the lab). The manifest's quantization is per
 * tensor, so an int8 per-channel kernel is re-quantized to uint8 per tensor here (and the export
 * says so); a uint8 per-tensor kernel is written exactly.
 */
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { io } from '@tensorflow/tfjs'
import { atomicWrite, MODEL_JSON, WEIGHTS_BIN, type SavedFile } from '../models/file-io-handler'
import { kernelLayers } from '../quantize/quantize-model'
import { joinArrays } from '../train/join-floats'
import { quantizeUint8PerTensor, toFloat16Bits, type WeightScheme } from '../quantize/quantize-tensor'

/** One weight's bytes and manifest entry. */
function encodeWeight(spec: io.WeightsManifestEntry, values: Float32Array, scheme: WeightScheme | null): { spec: io.WeightsManifestEntry; bytes: Uint8Array } {
  if (scheme === null) return { spec, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) }
  if (scheme === 'float16') {
    const bits = Uint16Array.from(values, toFloat16Bits)
    return { spec: { ...spec, quantization: { dtype: 'float16' } }, bytes: new Uint8Array(bits.buffer) }
  }
  const u = quantizeUint8PerTensor(values)
  return { spec: { ...spec, quantization: { dtype: 'uint8', min: -u.scale * u.zeroPoint, scale: u.scale } }, bytes: u.q }
}

/** The model's topology and float weights, as `model.save` hands them to a handler. */
async function artifactsOf(model: tf.LayersModel): Promise<io.ModelArtifacts> {
  let got: io.ModelArtifacts | null = null
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      got = a
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  if (got === null) throw new Error('TF.js export: the model gave no artifacts')
  return got
}

/**
 * Writes `model` into `dir` as `model.json` + `weights.bin` with its kernels quantized by `scheme`
 * (null: float32 as it is); weights first, each file renamed into place. Returns the files and
 * what the export changed.
 */
export async function saveQuantizedTfjs(model: tf.LayersModel, dir: string, scheme: WeightScheme | null): Promise<{ files: SavedFile[]; notes: string[] }> {
  const artifacts = await artifactsOf(model)
  const data = new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)))
  const kernels = new Set(kernelLayers(model).map((l) => l.weights[0].originalName))
  const parts: Uint8Array[] = []
  const specs: io.WeightsManifestEntry[] = []
  let offset = 0
  let quantized = 0
  for (const spec of artifacts.weightSpecs ?? []) {
    const count = spec.shape.reduce((a, d) => a * d, 1)
    const values = data.slice(offset, offset + count)
    offset += count
    const kernel = kernels.has(spec.name)
    if (kernel && scheme) quantized++
    const e = encodeWeight(spec, values, kernel ? scheme : null)
    specs.push(e.spec)
    parts.push(e.bytes)
  }
  const weights = joinArrays(parts, (n) => new Uint8Array(n))
  const modelJson: io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'compression-lab',
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }],
  }
  const files = [atomicWrite(join(dir, WEIGHTS_BIN), weights), atomicWrite(join(dir, MODEL_JSON), new TextEncoder().encode(JSON.stringify(modelJson)))]
  const notes: string[] = []
  if (scheme === 'int8') notes.push(`the TF.js weights manifest quantizes per tensor: the ${quantized} int8 per-channel kernels were re-quantized to uint8 per tensor (min + scale · q); the ONNX export keeps them per channel`)
  else if (scheme) notes.push(`${quantized} kernels stored as ${scheme} in the weights manifest (TF.js decodes them on load)`)
  return { files, notes }
}
