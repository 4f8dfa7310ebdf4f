/**
 * ONNX Runtime (onnxruntime-node, CPU execution provider) over an exported model: a session (a
 * model ORT refuses is one clear error), predictions on a split in batches, and its accuracy.
 */
import * as ort from 'onnxruntime-node'
import type { DataSplit } from '../data/dataset'

/** A session on the CPU execution provider with `threads` intra-op threads (0: ORT's default, all cores). */
export async function ortSession(bytes: Uint8Array, threads = 0): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    })
  } catch (e) {
    throw new Error(`ONNX Runtime refused the exported model: ${(e as Error).message.split('\n')[0]}`)
  }
}

/** The model's outputs for `n` examples starting at `start` of `x` (examples of `inputShape`). */
export async function ortPredict(session: ort.InferenceSession, x: Float32Array, inputShape: readonly number[], start: number, n: number): Promise<Float32Array> {
  const f = inputShape.reduce((a, d) => a * d, 1)
  const input = new ort.Tensor('float32', x.subarray(start * f, (start + n) * f), [n, ...inputShape])
  const out = await session.run({ [session.inputNames[0]]: input })
  return out[session.outputNames[0]].data as Float32Array
}

/** Accuracy of the exported classifier on a split (argmax of its outputs against the labels). */
export async function ortAccuracy(session: ort.InferenceSession, split: DataSplit, inputShape: readonly number[], batchSize = 256): Promise<number> {
  let correct = 0
  for (let start = 0; start < split.n; start += batchSize) {
    const n = Math.min(batchSize, split.n - start)
    const y = await ortPredict(session, split.x, inputShape, start, n)
    const classes = y.length / n
    for (let i = 0; i < n; i++) {
      let best = 0
      for (let k = 1; k < classes; k++) if (y[i * classes + k] > y[i * classes + best]) best = k
      if (best === split.y[start + i]) correct++
    }
  }
  return split.n > 0 ? correct / split.n : 0
}

/** The execution providers this onnxruntime-node build carries (for `doctor`). */
export function ortExecutionProviders(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }))
}
