/**
 * The kernel audit: every model family of the lab trains on wasm with the lab's kernels, with the
 * same gradients as on cpu. For each model, one full gradient (all trainable weights) of a batch
 * of 8 on wasm and on cpu; per weight tensor |wasm − cpu| ≤ 1e-3 · max|cpu| + 1e-5 (batch norm
 * divides by small variances, so its tolerance is wider than a single kernel's). A kernel that
 * wasm lacked would throw here; the kernels each model ran are recorded and must all be
 * registered for wasm. Models: LeNet-5, MLP with (seeded) dropout, a custom conv/batch-norm/
 * average-pool net, overlapping 3×3/2 max pooling with tanh/sigmoid, a strided 'same' conv, and
 * the Tiny-YOLO-style detector (conv + batch norm + leaky ReLU + pooling).
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { caseBatch, MODEL_CASES, recordingKernels, type ModelCase } from './model-families'

function gradients(c: ModelCase): Float32Array[] {
  return tf.tidy(() => {
    const model = c.build()
    const { x, y } = caseBatch(c)
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
    const { grads } = tf.variableGrads(
      () => c.loss(model.apply(x, { training: true }) as tf.Tensor, y),
      vars,
    )
    const out = vars.map((v) => Float32Array.from(grads[v.name].dataSync()))
    model.dispose()
    return out
  })
}

describe('every model family trains on wasm with cpu-equal gradients', () => {
  beforeAll(async () => {
    await selectBackend('wasm')
  })

  it.each(MODEL_CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await tf.setBackend('cpu')
    const cpu = gradients(c)
    await tf.setBackend('wasm')
    const { result: wasm, kernels } = recordingKernels(() => gradients(c))
    expect(kernels.size).toBeGreaterThan(5)
    for (const k of kernels) expect(tf.getKernel(k, 'wasm'), `kernel ${k}`).toBeDefined()
    expect(wasm.length).toBe(cpu.length)
    cpu.forEach((g, i) => {
      let scale = 0
      let worst = 0
      for (let j = 0; j < g.length; j++) {
        scale = Math.max(scale, Math.abs(g[j]))
        worst = Math.max(worst, Math.abs(g[j] - wasm[i][j]))
      }
      expect(worst, `${c.name} weight ${i}`).toBeLessThanOrEqual(1e-3 * scale + 1e-5)
    })
  })
})
