/** Runs a TF.js model and its ONNX export on the same seeded batch (ONNX Runtime, CPU). */
import * as tf from '@tensorflow/tfjs'
import * as ort from 'onnxruntime-node'
import { expect } from 'vitest'
import { exportOnnx } from '../../src-main/engine/export/onnx/export-onnx'

/** TF.js and ONNX Runtime outputs on the same seeded batch, flat. */
export async function compareWithOrt(model: tf.LayersModel, batch: number, bytes?: Uint8Array, options: ort.InferenceSession.SessionOptions = {}): Promise<{ lab: Float32Array; onnx: Float32Array; dims: readonly number[] }> {
  const shape = (model.inputs[0].shape as number[]).slice(1)
  const x = tf.randomUniform([batch, ...shape], 0, 1, 'float32', 7)
  const lab = (model.predict(x) as tf.Tensor).dataSync() as Float32Array
  const session = await ort.InferenceSession.create(bytes ?? (await exportOnnx(model)).bytes, options)
  const out = await session.run({ input: new ort.Tensor('float32', x.dataSync() as Float32Array, [batch, ...shape]) })
  x.dispose()
  const y = out.output
  return { lab, onnx: y.data as Float32Array, dims: y.dims }
}

/** The largest absolute difference between two outputs. */
export function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

