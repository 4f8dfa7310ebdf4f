/**
 * Backend choice: best available by default (here: wasm, as tfjs-node(-gpu) is not installed and
 * the only WebGPU adapter, if any, is SwiftShader, which auto does not take),
 * overridable by argument or COMPLAB_BACKEND, clear errors for unknown or unavailable backends, and
 * the wasm module's process handlers removed.
 */
import * as tf from '@tensorflow/tfjs'
import { afterEach, describe, expect, it } from 'vitest'
import { isInstalled } from '../../../../src-main/engine/backend/backend-loaders'
import {
  describeActiveBackend,
  selectBackend,
} from '../../../../src-main/engine/backend/select-backend'
import { loadWebGpuBackend } from '../../../../src-main/engine/backend/webgpu-node'

const nativeInstalled =
  isInstalled('@tensorflow/tfjs-node-gpu') || isInstalled('@tensorflow/tfjs-node')

afterEach(() => {
  delete process.env.COMPLAB_BACKEND
})

describe('selectBackend', () => {
  it('picks the best available backend and registers the lab kernels on wasm', async () => {
    const listeners =
      process.listeners('uncaughtException').length + process.listeners('unhandledRejection').length
    const name = await selectBackend()
    expect(name).toBe(nativeInstalled ? 'tensorflow' : 'wasm')
    expect(tf.getBackend()).toBe(name)
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
    // Emscripten's rethrowing handlers are gone: a worker reports its own errors.
    expect(
      process.listeners('uncaughtException').length +
        process.listeners('unhandledRejection').length,
    ).toBe(listeners)
  })

  it('follows the argument, then COMPLAB_BACKEND', async () => {
    expect(await selectBackend('cpu')).toBe('cpu')
    process.env.COMPLAB_BACKEND = 'cpu'
    expect(await selectBackend()).toBe('cpu')
    expect(await selectBackend('wasm')).toBe('wasm')
    process.env.COMPLAB_BACKEND = 'auto'
    expect(await selectBackend()).toBe(nativeInstalled ? 'tensorflow' : 'wasm')
  })

  it('rejects an unknown backend, naming the choices and where the name came from', async () => {
    await expect(selectBackend('webgl')).rejects.toThrow(
      'unknown backend "webgl" (requested); choose one of webgpu, tensorflow, wasm, cpu, or auto',
    )
    process.env.COMPLAB_BACKEND = 'gpu'
    await expect(selectBackend()).rejects.toThrow('unknown backend "gpu" (COMPLAB_BACKEND=gpu)')
  })

  it('an explicit webgpu runs on any adapter or says in one line what is missing', async () => {
    const adapter = await loadWebGpuBackend('any')
    if (adapter.ok) {
      expect(await selectBackend('webgpu')).toBe('webgpu')
      expect(describeActiveBackend()).toMatch(/^webgpu on .+(software|hardware)\)$/)
      await selectBackend('wasm')
    } else {
      const error = await selectBackend('webgpu').catch((e: Error) => e)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).message).toMatch(/^backend "webgpu" is not available \(requested\): /)
      expect((error as Error).message).toContain('fix: ')
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it.skipIf(nativeInstalled)('says why tensorflow is unavailable when asked for it', async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(
      'backend "tensorflow" is not available (requested): @tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed',
    )
  })
})
