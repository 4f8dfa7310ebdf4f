/**
 * Loading the teacher of a distillation run: its input must take the dataset's examples (same
 * shape, or the same values flat) and its output must be one score per class. A teacher whose last
 * layer applies softmax (common in imported Keras models) is turned back into a logits model, since
 * the Hinton loss needs the pre-softmax logits.
 */
import * as tf from '@tensorflow/tfjs'
import { loadCheckedModel } from '../models/model-files'
import { modelFit } from '../models/model-topology'

/**
 * Why a teacher does not fit the dataset, or null when it does (`exact`: it must take the
 * examples' shape, not the same values flat). The launch check applies `modelFit` to model.json.
 */
export function teacherMismatch(
  teacher: tf.LayersModel,
  inputShape: number[],
  numClasses: number,
  exact = false,
): string | null {
  const shapes = {
    inputs: teacher.inputs.map((t) => t.shape.slice(1)),
    outputs: teacher.outputs.map((t) => t.shape.slice(1)),
  }
  return modelFit(shapes, inputShape, numClasses, exact)
}

/**
 * Loads the model a run builds on (`role`: teacher, parent) and checks it fits the dataset and
 * holds finite weights; every error names the file. Returns it as saved (softmax and all).
 */
export async function loadFittingModel(
  modelJsonPath: string,
  role: string,
  dataset: { inputShape: number[]; numClasses: number },
  exact = false,
): Promise<tf.LayersModel> {
  const loaded = await loadCheckedModel(modelJsonPath, role)
  const mismatch = teacherMismatch(loaded, dataset.inputShape, dataset.numClasses, exact)
  if (mismatch) {
    loaded.dispose()
    throw new Error(`${role} model ${modelJsonPath} does not fit the dataset: ${mismatch}`)
  }
  return loaded
}

/** The same model without a final softmax (the logits), or the model itself when it has none. */
export async function withLogitsOutput(model: tf.LayersModel): Promise<{ model: tf.LayersModel; changed: boolean }> {
  const last = model.outputs[0].sourceLayer
  const config = last.getConfig() as Record<string, unknown>
  const className = last.getClassName()
  if ((className === 'Activation' && config.activation === 'softmax') || className === 'Softmax') {
    const inbound = last.input
    const logits = tf.model({ inputs: model.inputs, outputs: Array.isArray(inbound) ? inbound[0] : inbound })
    return { model: logits, changed: true }
  }
  if (config.activation !== 'softmax') return { model, changed: false }
  const topology = model.toJSON(null, false) as { config: { layers: { config: Record<string, unknown> }[] } }
  const entry = topology.config.layers.find((l) => l.config.name === last.name)
  if (!entry) throw new Error(`teacher: cannot find its output layer ${last.name} in its topology`)
  entry.config.activation = 'linear'
  const rebuilt = await tf.models.modelFromJSON(topology as unknown as Parameters<typeof tf.models.modelFromJSON>[0])
  rebuilt.setWeights(model.getWeights())
  model.dispose()
  return { model: rebuilt, changed: true }
}

/** Loads and checks the teacher at `modelJsonPath` for a dataset; returns a logits model. */
export async function loadTeacher(
  modelJsonPath: string,
  inputShape: number[],
  numClasses: number,
): Promise<{ model: tf.LayersModel; note: string | null }> {
  const loaded = await loadFittingModel(modelJsonPath, 'teacher', { inputShape, numClasses })
  const { model, changed } = await withLogitsOutput(loaded)
  return { model, note: changed ? 'the teacher ends in softmax; distilling from its pre-softmax logits' : null }
}
