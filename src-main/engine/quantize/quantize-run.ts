/**
 * The steps of a quantize run that do not depend on how the run is reported: the calibration
 * examples, weight quantization (post-training, or shadowed for QAT), calibration of the
 * activations, and the artifacts written beside the TF.js model (the QDQ ONNX model and the
 * quantization parameters `export-model` reads back).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { QuantizeSettings } from '../../../src-shared/spec/schema'
import type { ClassificationTask } from '../tasks'
import { deriveSeed } from '../random/seeded-rng'
import { permutation } from '../tasks/sampling'
import { atomicWrite, type SavedFile } from '../models/file-io-handler'
import { activationPoints, calibrateActivations, type Calibration } from './calibrate'
import type { ActivationQuantization, KernelEncoding } from './kernel-encoding'
import { quantizeModelWeights } from './quantize-model'
import { shadowWeights } from './qat'
import { copyWeightsBack, withFakeQuant } from './fake-quant'
import type { TrainResult } from '../train/epoch-loop'

/** File names of a quantize run's extra artifacts. */
export const ONNX_FILE = 'model.onnx'
export const QUANTIZATION_FILE = 'quantization.json'

/** The quantization parameters a run saves: the scheme and each activation's range. */
export interface QuantizationFile {
  scheme: QuantizeSettings['scheme']
  activations: Record<string, ActivationQuantization>
}

/** The calibration examples: the first `examples` of a seeded permutation of the training split. */
export function calibrationInput(task: ClassificationTask, m: QuantizeSettings, seed: number): tf.Tensor {
  const { n } = task.trainSplit
  const wanted = m.calibration.examples
  if (wanted > n) throw new Error(`calibration.examples ${wanted} is more than the ${n} training examples of the split`)
  const part = task.subset(task.trainSplit, permutation(n, deriveSeed(seed, 'quantize/calibration')).subarray(0, wanted))
  return tf.tensor(part.x, [part.n, ...task.data.inputShape])
}

const calibrationOf = (m: QuantizeSettings): Calibration =>
  m.calibration.method === 'percentile' ? { method: 'percentile', percentile: m.calibration.percentile ?? 99.99 } : { method: 'minmax' }

/**
 * The model's kernels quantized (the model then holds their dequantized values). With QAT first:
 * `train` fine-tunes a model computing with quantized kernels (straight-through to float shadow
 * kernels) — with static activations, a fake-quantizing copy calibrated on the float model, whose
 * weights then return to `model`.
 */
export async function quantizeWeights(
  model: tf.LayersModel,
  m: QuantizeSettings,
  x: tf.Tensor | null,
  train: (model: tf.LayersModel, onStepEnd: () => void) => Promise<TrainResult>,
): Promise<{ kernels: Map<string, KernelEncoding>; trained: TrainResult | null }> {
  if (m.qatEpochs === 0) return { kernels: await quantizeModelWeights(model, m.scheme), trained: null }
  const initial = await calibrate(model, m, x)
  const training = initial.size ? withFakeQuant(model, initial) : model
  try {
    const shadow = shadowWeights(training, m.scheme)
    const trained = await train(training, () => shadow.step())
    const kernels = await shadow.finish()
    if (training !== model) copyWeightsBack(training, model)
    return { kernels, trained }
  } finally {
    if (training !== model) training.dispose()
  }
}

/** Calibrated ranges of the tensors kernel layers read (none when activations stay float). */
export async function calibrate(model: tf.LayersModel, m: QuantizeSettings, x: tf.Tensor | null): Promise<Map<string, ActivationQuantization>> {
  if (m.activations !== 'static' || x === null) return new Map()
  return calibrateActivations(model, x, activationPoints(model), calibrationOf(m))
}

/** Writes the ONNX model and the quantization parameters into the run's artifact folder (each renamed into place). */
export function writeQuantizedArtifacts(dir: string, onnx: Uint8Array, q: QuantizationFile): { onnx: SavedFile; quantization: SavedFile } {
  mkdirSync(dir, { recursive: true })
  return {
    onnx: atomicWrite(join(dir, ONNX_FILE), onnx),
    quantization: atomicWrite(join(dir, QUANTIZATION_FILE), new TextEncoder().encode(JSON.stringify(q, null, 1))),
  }
}
