/**
 * What a pruning step is judged by (METHODS P1: report params, MACs, latency after every step):
 * parameters, non-zero parameters, MACs per layer (from the models/ layer report: conv
 * kh·kw·c_in·c_out·h_out·w_out, dense in·out), bytes of the saved TF.js model, and the median
 * inference latency on the active backend.
 */
import * as tf from '@tensorflow/tfjs'
import { foldedInference } from '../measure/folded-inference'
import { modelStats, type LayerStats } from '../models/layer-report'

/** Size and compute of a model. */
export interface ModelMeasure {
  params: number
  nonZeroParams: number
  macs: number
  layers: LayerStats[]
}

/** Number of non-zero weights in the model (all weights, biases and BatchNorm vectors included). */
export async function nonZeroParameterCount(model: tf.LayersModel): Promise<number> {
  let count = 0
  for (const w of model.getWeights()) {
    for (const v of await w.data()) if (v !== 0) count++
  }
  return count
}

/** Params, non-zero params and MACs (per layer and in total). */
export async function measureModel(model: tf.LayersModel): Promise<ModelMeasure> {
  const stats = modelStats(model)
  return {
    params: stats.params,
    nonZeroParams: await nonZeroParameterCount(model),
    macs: stats.macs,
    layers: stats.layers,
  }
}

function weightDataBytes(data: tf.io.WeightData | undefined): number {
  if (data === undefined) return 0
  return Array.isArray(data) ? data.reduce((a, b) => a + b.byteLength, 0) : data.byteLength
}

/** Bytes of the model saved in the TF.js layers format (topology JSON + weight manifest + weights). */
export async function serializedBytes(model: tf.LayersModel): Promise<number> {
  let bytes = 0
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = JSON.stringify({
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      })
      bytes = new TextEncoder().encode(json).byteLength + weightDataBytes(artifacts.weightData)
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
    }),
  )
  return bytes
}

/** Latency of `predict` on one batch. */
export interface LatencyMeasure {
  medianMs: number
  samplesMs: number[]
  backend: string
}

/**
 * Median wall time of the model's folded inference on `x` (batch norm folded, conv + bias + ReLU
 * fused, as `latency.ms` is timed at the end of a run; data awaited), after warm-up runs.
 */
export async function inferenceLatency(
  model: tf.LayersModel,
  x: tf.Tensor,
  options: { warmup?: number; repeats?: number } = {},
): Promise<LatencyMeasure> {
  const warmup = options.warmup ?? 2
  const repeats = options.repeats ?? 7
  const folded = await foldedInference(model)
  const once = async (): Promise<number> => {
    const t0 = performance.now()
    const y = folded.predict(x)
    await y.data()
    const ms = performance.now() - t0
    y.dispose()
    return ms
  }
  const samplesMs: number[] = []
  try {
    for (let i = 0; i < warmup; i++) await once()
    for (let i = 0; i < repeats; i++) samplesMs.push(await once())
  } finally {
    folded.dispose()
  }
  const sorted = [...samplesMs].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const medianMs = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { medianMs, samplesMs, backend: tf.getBackend() }
}
