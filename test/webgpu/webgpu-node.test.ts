/**
 * The webgpu backend under Node (src-main/engine/backend/webgpu-node.ts) on a real adapter: an
 * explicit `webgpu` says which adapter; the automatic choice takes webgpu only on hardware; a
 * synchronous read of GPU data fails with the error that says to read asynchronously and leaves
 * the backend usable; every adapter is listed; a process that used webgpu exits by itself; the
 * first run's shader compilation is measured.
 */
import { spawnSync } from 'node:child_process'
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import { selectBackend, describeActiveBackend } from '../../src-main/engine/backend/select-backend'
import { listWebGpuAdapters, loadDawn } from '../../src-main/engine/backend/webgpu-dawn'
import {
  activeWebGpuAdapter,
  SYNC_READ_UNAVAILABLE,
} from '../../src-main/engine/backend/webgpu-node'
import { caseBatch, MODEL_CASES } from '../unit/engine/kernels/model-families'
import { webgpuAvailable } from './webgpu-tier'

const available = await webgpuAvailable()

describe.skipIf(!available.ok)('webgpu under Node', () => {
  afterAll(async () => {
    await tf.setBackend('cpu')
  })

  it('an explicit webgpu runs on the adapter and says which; auto only on hardware', async () => {
    expect(await selectBackend('webgpu')).toBe('webgpu')
    const adapter = activeWebGpuAdapter()
    expect(adapter).not.toBeNull()
    expect(describeActiveBackend()).toMatch(
      adapter?.software ? /^webgpu on .+, software\)$/ : /^webgpu on .+, hardware\)$/,
    )
    if (adapter?.software) expect(await selectBackend('auto')).not.toBe('webgpu')
  })

  it('a sync read of GPU data fails clearly and the backend stays usable', async () => {
    await selectBackend('webgpu')
    const y = tf.relu(tf.tensor1d([-1, 2, -3, 4]))
    expect(() => y.dataSync()).toThrow(SYNC_READ_UNAVAILABLE)
    expect(() => y.arraySync()).toThrow(SYNC_READ_UNAVAILABLE)
    expect(Array.from(await y.data())).toEqual([0, 2, 0, 4])
    // Once read, the values are on the CPU and a sync read returns them.
    expect(Array.from(y.dataSync())).toEqual([0, 2, 0, 4])
    y.dispose()
  })

  it('lists every adapter with its facts', async () => {
    const dawn = await loadDawn()
    if (!dawn.ok) throw new Error(dawn.detail)
    const adapters = await listWebGpuAdapters(dawn.dawn)
    expect(adapters.length).toBeGreaterThan(0)
    const active = activeWebGpuAdapter()
    expect(adapters.map((a) => a.description)).toContain(active?.description)
    for (const a of adapters) {
      expect(a.maxBufferSize).toBeGreaterThan(0)
      expect(typeof a.software).toBe('boolean')
    }
  })

  it('a process that trained on webgpu exits by itself', () => {
    const script = [
      "import * as tf from '@tensorflow/tfjs'",
      "import { selectBackend } from './src-main/engine/backend/select-backend'",
      "await selectBackend('webgpu')",
      'const w = tf.variable(tf.ones([4, 2]))',
      'const { value } = tf.variableGrads(() => tf.sum(tf.matMul(tf.ones([3, 4]), w)), [w])',
      'console.log((await value.data())[0])',
    ].join('\n')
    const args = ['--import', 'tsx', '--input-type=module', '-e', script]
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 })
    expect(r.signal, 'killed by the timeout: the process did not exit').toBeNull()
    expect(r.stdout.trim().split('\n').pop()).toBe('24')
    expect(r.status).toBe(0)
  })

  it('measures the first run’s shader compilation (LeNet-5 training step)', async () => {
    await selectBackend('webgpu')
    const lenet = MODEL_CASES[0]
    const model = lenet.build()
    const { x, y } = caseBatch(lenet)
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
    const step = async (): Promise<number> => {
      const start = performance.now()
      const { value, grads } = tf.variableGrads(
        () => lenet.loss(model.apply(x, { training: true }) as tf.Tensor, y),
        vars,
      )
      await value.data()
      tf.dispose([value, ...Object.values(grads)])
      return performance.now() - start
    }
    const first = await step()
    const second = await step()
    const pipelines = Object.keys(
      (tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache,
    ).length
    console.log(
      `LeNet-5 step on ${describeActiveBackend()}: first ${first.toFixed(0)} ms ` +
        `(compiles ${pipelines} pipelines), second ${second.toFixed(0)} ms`,
    )
    tf.dispose([x, y])
    model.dispose()
    expect(pipelines).toBeGreaterThan(10)
    expect(second).toBeLessThan(first)
  })
})
