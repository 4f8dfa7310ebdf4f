/** Helpers for checking a wasm kernel against the cpu backend's on the same inputs. */
import * as tf from '@tensorflow/tfjs'
import { expect } from 'vitest'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'

/** A conv's padding as the kernels take it. */
export type Pad =
  'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]

/** A 2-D convolution case of the kernel tests (NHWC input, HWIO filter). */
export interface ConvCase {
  xShape: [number, number, number, number]
  filterShape: [number, number, number, number]
  strides: [number, number]
  pad: Pad
}

/** 'same', 'valid' or explicit amounts of 0–2 on each side, equally likely. */
export function randomPad(rng: ReturnType<typeof createRng>): Pad {
  const kind = rng.int(0, 2)
  if (kind === 0) return 'same'
  if (kind === 1) return 'valid'
  return [
    [0, 0],
    [rng.int(0, 2), rng.int(0, 2)],
    [rng.int(0, 2), rng.int(0, 2)],
    [0, 0],
  ]
}

/** Seeded uniform values in [−1, 1). */
export function randomValues(n: number, seed: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1)
}

/** Runs one kernel on plain arrays and returns its first output's values. */
export function runKernel(
  name: string,
  inputs: Record<
    string,
    { values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }
  >,
  attrs: Record<string, unknown>,
): Float32Array {
  return tf.tidy(() => {
    const named: Record<string, tf.Tensor> = {}
    for (const [k, v] of Object.entries(inputs))
      named[k] = tf.tensor(v.values, v.shape, v.dtype ?? 'float32')
    const out = tf.engine().runKernel(name, named, attrs as tf.NamedAttrMap) as
      tf.Tensor | tf.Tensor[]
    const first = Array.isArray(out) ? out[0] : out
    return Float32Array.from(first.dataSync())
  })
}

/** The kernel's output on cpu and on wasm (the backend is wasm again afterwards). */
export async function onBothBackends(
  f: () => Float32Array,
): Promise<{ cpu: Float32Array; wasm: Float32Array }> {
  await tf.setBackend('cpu')
  const cpu = f()
  await tf.setBackend('wasm')
  const wasm = f()
  return { cpu, wasm }
}

/** |actual − expected| ≤ rel · max|expected| + 1e-6, element-wise. */
export function expectClose(actual: Float32Array, expected: Float32Array, rel = 1e-4): void {
  expect(actual.length).toBe(expected.length)
  let scale = 0
  for (const v of expected) scale = Math.max(scale, Math.abs(v))
  let worst = 0
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]))
  expect(worst).toBeLessThanOrEqual(rel * scale + 1e-6)
}
