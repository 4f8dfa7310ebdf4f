/**
 * The kernel audit on webgpu: every model family the lab builds (test/unit/engine/kernels/
 * model-families.ts) has the same full gradient on webgpu as on cpu, for one seeded batch of 8.
 * Per weight tensor: |webgpu − cpu| ≤ 1e-3 · max|cpu| + 1e-5, the wasm audit's tolerance (batch
 * norm divides by small variances); the largest share of that tolerance used is printed. Every
 * kernel a model ran must be registered for webgpu (none falls back silently).
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import {
  caseBatch,
  MODEL_CASES,
  recordingKernels,
  type ModelCase,
} from '../unit/engine/kernels/model-families'
import { readAll, webgpuAvailable, worstDifference } from './webgpu-tier'

const available = await webgpuAvailable()

async function gradients(c: ModelCase): Promise<{ grads: Float32Array[]; kernels: Set<string> }> {
  const model = c.build()
  const { x, y } = caseBatch(c)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const { result, kernels } = recordingKernels(() =>
    tf.variableGrads(() => c.loss(model.apply(x, { training: true }) as tf.Tensor, y), vars),
  )
  const grads = await readAll(vars.map((v) => result.grads[v.name]))
  tf.dispose([x, y, result.value, ...Object.values(result.grads)])
  model.dispose()
  return { grads, kernels }
}

describe.skipIf(!available.ok)('every model family has cpu-equal gradients on webgpu', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  const each = it.each(MODEL_CASES.map((c) => [c.name, c] as const))
  each('%s', { timeout: 180_000 }, async (_, c) => {
    await tf.setBackend('cpu')
    const cpu = await gradients(c)
    await tf.setBackend('webgpu')
    const gpu = await gradients(c)
    expect(gpu.kernels.size).toBeGreaterThan(5)
    for (const k of gpu.kernels) expect(tf.getKernel(k, 'webgpu'), `kernel ${k}`).toBeDefined()
    expect(gpu.grads.length).toBe(cpu.grads.length)
    let used = 0
    cpu.grads.forEach((g, i) => {
      const { worst, scale } = worstDifference(gpu.grads[i], g)
      const tolerance = 1e-3 * scale + 1e-5
      used = Math.max(used, worst / tolerance)
      expect(worst, `${c.name} weight ${i}`).toBeLessThanOrEqual(tolerance)
    })
    console.log(`${c.name}: at most ${(100 * used).toFixed(2)}% of the tolerance used`)
  })
})
