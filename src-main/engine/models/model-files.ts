import * as tf from '@tensorflow/tfjs'
import { fileLoadHandler, fileSaveHandler, type SavedFile } from './file-io-handler'

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
