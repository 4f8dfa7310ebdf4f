/**
 * The webgpu tier runs on whatever adapter Dawn finds (a GPU's, else SwiftShader, which
 * scripts/software-vulkan.mjs sets up as vitest's globalSetup); with none, each suite skips and
 * prints why. Every read here is asynchronous: sync reads do not exist on webgpu under Node.
 */
import type * as tf from '@tensorflow/tfjs'
import { loadWebGpuBackend } from '../../src-main/engine/backend/webgpu-node'

/** Whether the webgpu backend can run here, and which adapter or why not. */
export async function webgpuAvailable(): Promise<{ ok: boolean; detail: string }> {
  const outcome = await loadWebGpuBackend('any')
  if (!outcome.ok) console.log(`webgpu tier skipped: ${outcome.detail}`)
  return outcome
}

/** The values of a tensor list, read asynchronously, as Float32Arrays. */
export async function readAll(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  return Promise.all(tensors.map(async (t) => Float32Array.from(await t.data())))
}

/** Largest |actual − expected| element-wise, and max|expected|. */
export function worstDifference(
  actual: Float32Array,
  expected: Float32Array,
): { worst: number; scale: number } {
  let scale = 0
  let worst = 0
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]))
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]))
  }
  return { worst, scale }
}
