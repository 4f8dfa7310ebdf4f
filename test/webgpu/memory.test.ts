/**
 * GPU memory stays flat in a long-lived process: 20 cycles of build → train (3 steps of
 * tf.variableGrads + Adam, written here rather than the engine's loop) → evaluate → dispose of a
 * tiny conv net on webgpu. After every cycle the tensor count and the bytes held by tensors on the
 * GPU are back to where they were before the first; the bytes the backend has allocated (its
 * buffer pool reuses freed buffers) stop growing once the first two cycles have filled the pool.
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import { buildModel } from '../../src-main/engine/models/build-model'
import { crossEntropy } from '../../src-main/engine/train/cross-entropy'
import { modelSpecSchema } from '../../src-shared/spec/schema'
import { randomValues } from '../unit/engine/kernels/backend-compare'
import { webgpuAvailable } from './webgpu-tier'

const available = await webgpuAvailable()

interface WebGpuMemory extends tf.MemoryInfo {
  numBytesInGPU: number
  numBytesAllocatedInGPU: number
}

const spec = modelSpecSchema.parse({
  arch: 'custom',
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
    { type: 'batchNorm' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 8, activation: 'relu' },
    { type: 'dropout', rate: 0.2 },
  ],
})

/** One cycle; returns the test accuracy (read asynchronously). */
async function cycle(seed: number): Promise<number> {
  const model = buildModel(spec, [12, 12, 1], 10, seed)
  const optimizer: tf.Optimizer = tf.train.adam(0.01)
  const x = tf.tensor(randomValues(16 * 144, seed), [16, 12, 12, 1])
  const y = tf.tensor1d(
    Array.from({ length: 16 }, (_, i) => i % 10),
    'int32',
  )
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  for (let step = 0; step < 3; step++) {
    const { value, grads } = tf.variableGrads(
      () => crossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y),
      vars,
    )
    optimizer.applyGradients(grads)
    await value.data()
    tf.dispose([value, ...Object.values(grads)])
  }
  const correct = tf.tidy(() =>
    tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, -1), y), 'float32')),
  )
  const accuracy = (await correct.data())[0]
  tf.dispose([correct, x, y])
  optimizer.dispose()
  model.dispose()
  return accuracy
}

describe.skipIf(!available.ok)('webgpu memory across 20 train–evaluate–dispose cycles', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('keeps tensors and GPU bytes flat', { timeout: 240_000 }, async () => {
    await tf.setBackend('webgpu')
    const before = tf.memory() as WebGpuMemory
    const after: WebGpuMemory[] = []
    for (let i = 0; i < 20; i++) {
      const accuracy = await cycle(i + 1)
      expect(accuracy).toBeGreaterThanOrEqual(0)
      after.push({ ...(tf.memory() as WebGpuMemory) })
    }
    const allocated = after.map((m) => m.numBytesAllocatedInGPU)
    console.log(
      `webgpu memory: ${before.numTensors} tensors before, ${after[19].numTensors} after 20 cycles; ` +
        `allocated GPU bytes per cycle ${allocated.join(', ')}`,
    )
    for (const m of after) {
      expect(m.numTensors).toBe(before.numTensors)
      expect(m.numBytesInGPU).toBe(before.numBytesInGPU)
    }
    for (const bytes of allocated.slice(2)) expect(bytes).toBeLessThanOrEqual(allocated[1])
  })
})
