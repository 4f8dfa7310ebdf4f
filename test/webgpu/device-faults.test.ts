/**
 * A run on webgpu whose device fails mid-run ends with that reason, naming the adapter, after the
 * metrics it already sent (issue 15, "bad input"): an impossible buffer (beyond the device's
 * limits, reported by Dawn as an uncaptured error) and a lost device (destroyed after the first
 * epoch, as a driver reset would). The device is broken on purpose from the run's own metrics
 * callback, so this file runs in its own process and the loss is its last test.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunConfig } from '../../src-shared/spec/expand'
import { modelSpecSchema, trainingSpecSchema } from '../../src-shared/spec/schema'
import { executeRun } from '../../src-main/engine/run'
import { recordingSink } from '../unit/engine/methods/prune-fixtures'
import { webgpuAvailable } from './webgpu-tier'

const available = await webgpuAvailable()
const root = mkdtempSync(join(tmpdir(), 'complab-webgpu-faults-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface DeviceLike {
  createBuffer(d: { size: number; usage: number }): unknown
  destroy(): void
}
const device = (): DeviceLike => (tf.backend() as unknown as { device: DeviceLike }).device

const config: RunConfig = {
  dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 100 },
  model: modelSpecSchema.parse({ arch: 'mlp', hidden: [8] }),
  training: trainingSpecSchema.parse({ epochs: 3, batchSize: 50 }),
  method: { kind: 'train' },
  seed: 0,
}

/** Runs the tiny job, breaking the device once the first epoch's metrics are out; returns the error and the metrics sent. */
async function breakMidRun(id: number, breakIt: (d: DeviceLike) => void): Promise<{ error: string; metrics: string[] }> {
  const { sink, got } = recordingSink()
  let broken = false
  const metrics = sink.metrics
  sink.metrics = (points) => {
    metrics(points)
    if (!broken) {
      broken = true
      breakIt(device())
    }
  }
  const job = { runId: id, config, artifactDir: join(root, `run-${id}`), dataDir: root, backend: 'webgpu' }
  const error = await executeRun(job, sink).then(
    () => 'finished',
    (e: Error) => e.message,
  )
  return { error, metrics: got.metrics.map((p) => `${p.key}@${p.step}`) }
}

describe.skipIf(!available.ok)('a webgpu device that fails mid-run', () => {
  it('an impossible buffer: the run fails with the device error, naming the adapter', async () => {
    const usage = 0x80 // GPUBufferUsage.STORAGE
    const r = await breakMidRun(1, (d) => d.createBuffer({ size: 2 ** 40, usage }))
    expect(r.error).toMatch(/^WebGPU validation error on .+ \(.*(software|hardware)\): Buffer size \(1099511627776\) exceeds the max buffer size/)
    expect(r.metrics).toContain('train.loss@1')
    expect(r.metrics).not.toContain('train.loss@3')
  }, 240_000)

  it('a lost device: the run fails with the loss, naming the adapter', async () => {
    const r = await breakMidRun(2, (d) => d.destroy())
    expect(r.error).toMatch(/^WebGPU device lost on .+ \(.*(software|hardware)\): .*destroyed/)
    expect(r.metrics).toContain('train.loss@1')
    expect(r.metrics).not.toContain('train.loss@3')
  }, 240_000)
})
