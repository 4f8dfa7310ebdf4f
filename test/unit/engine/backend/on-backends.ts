/**
 * Running engine tests on every CPU backend the lab supports here: `describeOnBackends` repeats a
 * suite on wasm (the embedded default, with the lab's kernels) and on the pure-JS cpu backend
 * (the reference), selecting the backend before the suite and restoring wasm after it.
 */
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'

export const TEST_BACKENDS = ['wasm', 'cpu'] as const
export type TestBackend = (typeof TEST_BACKENDS)[number]

/** `describe` once per backend; the suite receives the backend's name. */
export function describeOnBackends(name: string, suite: (backend: TestBackend) => void): void {
  describe.each(TEST_BACKENDS)(`${name} [%s]`, (backend) => {
    beforeAll(async () => {
      await selectBackend(backend)
    })
    afterAll(async () => {
      if (tf.getBackend() !== 'wasm') await selectBackend('wasm')
    })
    suite(backend)
  })
}

/** Runs f on cpu and on wasm (wasm active afterwards). */
export async function onCpuAndWasm<T>(f: () => T | Promise<T>): Promise<{ cpu: T; wasm: T }> {
  await selectBackend('cpu')
  const cpu = await f()
  await selectBackend('wasm')
  const wasm = await f()
  return { cpu, wasm }
}
