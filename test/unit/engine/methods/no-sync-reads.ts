/**
 * Shared by tests (not a test file itself): synchronous tensor reads made to throw, as they do on
 * the webgpu backend under Node (no OffscreenCanvas), so that a run on cpu/wasm proves its engine
 * paths read tensors only asynchronously (`await t.data()`, `await t.array()`).
 */
import * as tf from '@tensorflow/tfjs'

const SYNC_READS = ['dataSync', 'arraySync', 'bufferSync'] as const

/** Runs `body` with Tensor.dataSync/arraySync/bufferSync throwing; restores them after. */
export async function withoutSyncReads<T>(body: () => Promise<T>): Promise<T> {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>
  const saved = SYNC_READS.map((name) => [name, proto[name]] as const)
  for (const name of SYNC_READS) {
    proto[name] = function refused(): never {
      throw new Error(`synchronous read ${name}() during a run (the webgpu backend under Node has none)`)
    }
  }
  try {
    return await body()
  } finally {
    for (const [name, fn] of saved) proto[name] = fn
  }
}
