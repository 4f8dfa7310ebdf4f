/**
 * A run's model exported for deployment (`complab export-model`, the run page's Export card):
 * ONNX (opset 13; a quantize run's kernels as QDQ and its calibrated activations, checked by
 * loading it in ONNX Runtime before it is written) or TF.js layers (weight-manifest quantization).
 * The quantized kernels are read back from the run's saved model, which holds their dequantized
 * values: quantizing those again gives the same integers and scales.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ModelExportFormat } from '../../../src-shared/contract/model-export'
import { selectBackend } from '../backend/select-backend'
import { ortSession } from '../measure/ort-session'
import { atomicWrite, type SavedFile } from '../models/file-io-handler'
import { loadCheckedModel } from '../models/model-files'
import { quantizeModelWeights } from '../quantize/quantize-model'
import type { QuantizationFile } from '../quantize/quantize-run'
import { exportOnnx } from './onnx/export-onnx'
import { saveQuantizedTfjs } from './tfjs-quantized'

export interface ModelExportRequest {
  /** The run's saved `model.json`. */
  modelJsonPath: string
  /** A quantize run's parameters (`quantization.json`); null for a float model. */
  quantization: QuantizationFile | null
  format: ModelExportFormat
  /** The folder to write into (created when missing). */
  outDir: string
}

/** Exports one run's model; returns the files written and what the export changed on the way. */
export async function exportModelFiles(r: ModelExportRequest): Promise<{ files: SavedFile[]; notes: string[] }> {
  await selectBackend('cpu')
  const model = await loadCheckedModel(r.modelJsonPath, 'run')
  try {
    const scheme = r.quantization?.scheme ?? null
    if (r.format === 'tfjs') {
      mkdirSync(r.outDir, { recursive: true })
      return await saveQuantizedTfjs(model, r.outDir, scheme)
    }
    const kernels = scheme ? await quantizeModelWeights(model, scheme) : new Map()
    const activations = new Map(Object.entries(r.quantization?.activations ?? {}))
    const onnx = await exportOnnx(model, { kernels, activations })
    // ONNX Runtime must accept it before anything is written.
    const session = await ortSession(onnx.bytes)
    await session.release()
    mkdirSync(r.outDir, { recursive: true })
    const notes = scheme ? [`${kernels.size} kernels as ${scheme === 'int8' ? 'int8 per-channel' : scheme} ${scheme === 'float16' ? '(Cast)' : 'QDQ'}${activations.size ? `, ${activations.size} activations quantized (uint8 QDQ)` : ''}`] : []
    return { files: [atomicWrite(join(r.outDir, 'model.onnx'), onnx.bytes)], notes }
  } finally {
    model.dispose()
  }
}

