import * as tf from '@tensorflow/tfjs'
import { fileLoadHandler, fileSaveHandler, type SavedFile } from './file-io-handler'
import { nonFiniteWeights } from './model-topology'

/** Saves a model in the TF.js layers format into `dir`; returns each file's path, bytes and sha256. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<SavedFile[]> {
  const handler = fileSaveHandler(dir)
  await model.save(handler)
  return handler.files
}

/** Loads a TF.js layers-format model from its `model.json` path. */
export async function loadModel(modelJsonPath: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(modelJsonPath))
}

/** The first weight holding NaN or ±Infinity, said in a line; null when all are finite. */
export async function nonFiniteWeight(model: tf.LayersModel): Promise<string | null> {
  for (const w of model.weights) {
    if (w.dtype !== 'float32') continue
    const values = await w.read().data()
    let bad = 0
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad++
    if (bad) return nonFiniteWeights(w.originalName, bad, values.length)
  }
  return null
}

/**
 * Loads the model a run builds on (`role`: teacher, parent) and refuses one whose weights are
 * not all finite (saved from a run that diverged); every error names the file.
 */
export async function loadCheckedModel(modelJsonPath: string, role: string): Promise<tf.LayersModel> {
  let model: tf.LayersModel
  try {
    model = await loadModel(modelJsonPath)
  } catch (e) {
    throw new Error(`${role} model ${modelJsonPath}: ${(e as Error).message.split('\n')[0]}`)
  }
  const nonFinite = await nonFiniteWeight(model)
  if (nonFinite) {
    model.dispose()
    throw new Error(`${role} model ${modelJsonPath}: ${nonFinite}`)
  }
  return model
}
