/**
 * Shader compilation on webgpu (src-main/engine/backend/webgpu-pipelines.ts): every pipeline the
 * backend compiles is timed and announced. The first training step of a conv net compiles dozens
 * in one synchronous stretch, where no timer fires (the cause of the worker's old "no heartbeat for
 * 60 s" on SwiftShader); the announcements come between compiles, so a heartbeat sent from them is
 * never further apart than the slowest single compile (plus the op code around it).
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import { describeActiveBackend, selectBackend } from '../../src-main/engine/backend/select-backend'
import { onPipelineCompiled, pipelineStats } from '../../src-main/engine/backend/webgpu-pipelines'
import { buildModel } from '../../src-main/engine/models/build-model'
import { crossEntropy } from '../../src-main/engine/train/cross-entropy'
import { modelSpecSchema } from '../../src-shared/spec/schema'
import { randomValues } from '../unit/engine/kernels/backend-compare'
import { webgpuAvailable } from './webgpu-tier'

const available = await webgpuAvailable()

describe.skipIf(!available.ok)('webgpu shader compilation', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('times every compile and announces each, so a heartbeat survives the first step', async () => {
    await selectBackend('webgpu')
    // Shapes no other test of this tier uses, so every kernel is compiled here.
    const spec = modelSpecSchema.parse({
      arch: 'custom',
      layers: [
        { type: 'conv2d', filters: 5, kernelSize: 3, activation: 'relu' },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'conv2d', filters: 7, kernelSize: 3, activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 11, activation: 'relu' },
      ],
    })
    const model = buildModel(spec, [13, 13, 1], 10, 3)
    const x = tf.tensor(randomValues(9 * 169, 5), [9, 13, 13, 1])
    const y = tf.tensor1d(Array.from({ length: 9 }, (_, i) => i % 10), 'int32')
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)

    const before = pipelineStats()
    const announced: number[] = []
    const stop = onPipelineCompiled(() => announced.push(performance.now()))
    const start = performance.now()
    // One synchronous stretch: forward, backward and the update are enqueued without a read.
    const { value, grads } = tf.variableGrads(() => crossEntropy(model.apply(x, { training: true }) as tf.Tensor2D, y), vars)
    const stretch = performance.now() - start
    stop()
    await value.data()
    tf.dispose([value, ...Object.values(grads), x, y])
    model.dispose()

    const after = pipelineStats()
    const compiled = after.compiled - before.compiled
    const gaps = announced.map((t, i) => t - (i === 0 ? start : announced[i - 1]))
    const widest = Math.max(...gaps)
    console.log(
      `first step on ${describeActiveBackend()}: ${compiled} pipelines compiled in ` +
        `${(after.totalMs - before.totalMs).toFixed(0)} ms of a ${stretch.toFixed(0)} ms synchronous stretch; ` +
        `longest compile ${after.longestMs.toFixed(0)} ms, widest gap between announcements ${widest.toFixed(0)} ms`,
    )
    expect(compiled).toBeGreaterThan(15)
    expect(announced).toHaveLength(compiled)
    expect(after.totalMs).toBeGreaterThan(before.totalMs)
    // The stretch is mostly compilation, and no two announcements are as far apart as the stretch.
    expect(after.totalMs - before.totalMs).toBeGreaterThan(stretch / 2)
    expect(widest).toBeLessThan(stretch / 3)
  }, 240_000)
})
