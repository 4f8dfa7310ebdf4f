/**
 * Loading the teacher of a distillation run: its input must take the dataset's examples (same
 * shape, or the same values flat) and its output must be one score per class. A teacher whose last
 * layer applies softmax (common in imported Keras models) is turned back into a logits model, since
 * the Hinton loss needs the pre-softmax logits.
 */
import * as tf from '@tensorflow/tfjs'
import { loadModel } from '../models/model-files'

const dims = (s: (number | null)[]): string => `[${s.map((d) => d ?? '?').join(', ')}]`

/** Why a teacher does not fit the dataset, or null when it does. */
export function teacherMismatch(teacher: tf.LayersModel, inputShape: number[], numClasses: number): string | null {
  if (teacher.inputs.length !== 1 || teacher.outputs.length !== 1) {
    return `it has ${teacher.inputs.length} inputs and ${teacher.outputs.length} outputs; one of each is needed`
  }
  const input = teacher.inputs[0].shape.slice(1)
  const same = input.join() === inputShape.join()
  const flat = input.length === 1 && input[0] === inputShape.reduce((a, b) => a * b, 1)
  if (!same && !flat) return `it takes inputs of shape ${dims(input)} but the dataset's examples are ${dims(inputShape)}`
  const output = teacher.outputs[0].shape.slice(1)
  if (output.length !== 1 || output[0] !== numClasses) {
    return `it outputs shape ${dims(output)} but the dataset has ${numClasses} classes`
  }
  return null
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
  let loaded: tf.LayersModel
  try {
    loaded = await loadModel(modelJsonPath)
  } catch (e) {
    throw new Error(`teacher: ${(e as Error).message.split('\n')[0]}`)
  }
  const mismatch = teacherMismatch(loaded, inputShape, numClasses)
  if (mismatch) {
    loaded.dispose()
    throw new Error(`teacher model ${modelJsonPath} does not fit the dataset: ${mismatch}`)
  }
  const { model, changed } = await withLogitsOutput(loaded)
  return { model, note: changed ? 'the teacher ends in softmax; distilling from its pre-softmax logits' : null }
}
