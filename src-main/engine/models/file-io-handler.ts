/**
 * A TF.js IOHandler over node `fs` (the umbrella @tensorflow/tfjs has no file:// handler in Node):
 * the layers format, `model.json` (topology + weights manifest) and one `weights.bin`. Saving
 * writes each file under a temporary name and renames it into place, weights first, so a folder
 * never holds a model.json whose weights are missing or half written.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import type { io } from '@tensorflow/tfjs'

export const MODEL_JSON = 'model.json'
export const WEIGHTS_BIN = 'weights.bin'

export interface SavedFile {
  path: string
  bytes: number
  sha256: string
}

/**
 * Writes `data` to `path` under a temporary name and renames it into place, so the path never
 * holds a half-written file (a crash leaves the old file or none); returns its size and SHA-256.
 */
export function atomicWrite(path: string, data: Uint8Array): SavedFile {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`
  try {
    writeFileSync(tmp, data)
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
  return { path, bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') }
}

/** A save handler writing `model.json` + `weights.bin` into `dir`; `files` lists what it wrote. */
export function fileSaveHandler(dir: string): io.IOHandler & { files: SavedFile[] } {
  const handler = {
    files: [] as SavedFile[],
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('saving a binary (graph) model topology is not supported; only layers models')
      }
      const target = resolve(dir)
      mkdirSync(target, { recursive: true })
      const weights = new Uint8Array(
        artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
      )
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      }
      const weightsFile = atomicWrite(join(target, WEIGHTS_BIN), weights)
      const jsonFile = atomicWrite(join(target, MODEL_JSON), new TextEncoder().encode(JSON.stringify(modelJson)))
      handler.files = [jsonFile, weightsFile]
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: jsonFile.bytes,
          weightSpecsBytes: JSON.stringify(modelJson.weightsManifest).length,
          weightDataBytes: weights.byteLength,
        },
      }
    },
  }
  return handler
}

/** A load handler reading a layers-format `model.json` and the weight files its manifest names. */
export function fileLoadHandler(modelJsonPath: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      let modelJson: io.ModelJSON
      try {
        modelJson = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as io.ModelJSON
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        const why = code === 'ENOENT' ? 'file not found' : code ?? `not valid JSON (${(e as Error).message})`
        throw new Error(`cannot load model ${modelJsonPath}: ${why}`)
      }
      if (!modelJson.modelTopology) throw new Error(`cannot load model ${modelJsonPath}: it has no modelTopology`)
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: io.WeightsManifestEntry[] = []
        const buffers: ArrayBuffer[] = []
        for (const group of manifest) {
          specs.push(...group.weights)
          for (const p of group.paths) {
            const file = join(dirname(modelJsonPath), p)
            try {
              const b = readFileSync(file)
              buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer)
            } catch {
              throw new Error(`cannot load model ${modelJsonPath}: weight file ${p} is missing or unreadable`)
            }
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)]
      })
    },
  }
}
