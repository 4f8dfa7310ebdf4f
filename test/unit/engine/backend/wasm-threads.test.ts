/**
 * The threaded wasm build under Node (engine/backend/wasm-threads): in a fresh process (the wasm
 * module is loaded once per process), asking for 2 threads gives an XNNPACK pool of 2, the lab's
 * SIMD kernels run on its shared memory, a LeNet-5 gradient matches cpu (1e-4 relative), and the
 * process exits by itself; 1 thread (the default) gives the single-threaded build. Also the
 * COMPLAB_WASM_THREADS parsing.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  WASM_PTHREAD_POOL_SIZE,
  wasmThreadsFromEnv,
} from '../../../../src-main/engine/backend/wasm-threads'

const child = join(import.meta.dirname, 'fixtures', 'wasm-threads-child.ts')

function runChild(threads: number): {
  threads: number
  simd: boolean
  worstRelativeDifference: number
} {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, String(threads)], {
    encoding: 'utf8',
    timeout: 90_000,
  })
  // A timeout (status null) would mean that a pthread kept the process alive.
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
    threads: number
    simd: boolean
    worstRelativeDifference: number
  }
}

describe('threaded wasm under Node', () => {
  it.each([1, 2])(
    '%i thread(s): pool size, SIMD kernels, gradient as on cpu, clean exit',
    (threads) => {
      const r = runChild(threads)
      expect(r.threads).toBe(threads)
      expect(r.simd).toBe(true)
      expect(r.worstRelativeDifference).toBeLessThan(1e-4)
    },
  )

  it('reads COMPLAB_WASM_THREADS', () => {
    expect(wasmThreadsFromEnv({})).toBe(1)
    expect(wasmThreadsFromEnv({ COMPLAB_WASM_THREADS: '2' })).toBe(2)
    expect(wasmThreadsFromEnv({ COMPLAB_WASM_THREADS: '99' })).toBe(WASM_PTHREAD_POOL_SIZE)
    expect(wasmThreadsFromEnv({ COMPLAB_WASM_THREADS: 'auto' })).toBeGreaterThanOrEqual(1)
    expect(() => wasmThreadsFromEnv({ COMPLAB_WASM_THREADS: 'two' })).toThrow(
      'COMPLAB_WASM_THREADS must be',
    )
  })
})
