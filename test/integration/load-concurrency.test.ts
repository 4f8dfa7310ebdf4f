/**
 * Twenty runs queued at once with a concurrency limit of 2. The workers are real processes (the
 * stub worker: the worker protocol without TensorFlow, so twenty of them fit on a busy machine),
 * counted as they start and exit: never more than two alive, every run finishes with what it
 * sent stored, and the status history never shows a third run running.
 */
import { afterEach, expect, it } from 'vitest'
import { createLab } from '../../src-main/lab/index'
import { integrityCheck } from '../helpers/db-digest'
import { processLauncher, STUB_WORKER } from '../helpers/process-launcher'
import { maxConcurrent, statusHistory } from '../unit/scheduler/helpers'
import { tempDir } from '../unit/store/helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

it('runs 20 queued runs two at a time, all to the end', async () => {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const launcher = processLauncher(STUB_WORKER, {
    env: { STUB_WORKER: JSON.stringify({ steps: 4, pointsPerStep: 3, stepMs: 25 }) },
  })
  const lab = await createLab({ dataDir: t.dir, concurrency: 2, launcher })
  cleanups.push(() => lab.stop())
  const history = statusHistory(lab)
  const seeds = Array.from({ length: 20 }, (_, i) => i)
  const { experimentId, runIds } = await lab.call('experiments.launch', {
    spec: {
      name: 'twenty',
      dataset: { name: 'mnist-10k', trainLimit: 200 },
      model: { arch: 'mlp', hidden: [8] },
      training: { epochs: 1 },
      sweep: { seeds },
    },
  })
  expect(runIds).toHaveLength(20)
  await lab.idle(experimentId)

  expect(launcher.handles).toHaveLength(20)
  expect(launcher.maxAlive).toBe(2)
  // A run is finished when its worker's last message is stored; the process exits just after, so
  // the last one may still be on its way out when idle() resolves. Every worker must be gone soon.
  await expect.poll(() => launcher.alive, { timeout: 15_000 }).toBe(0)
  expect(maxConcurrent(history)).toBe(2)
  const runs = (await lab.call('runs.list', { experimentId })).rows
  expect(runs.map((r) => r.status)).toEqual(runIds.map(() => 'finished'))
  // Started in queue order.
  expect(history.filter((h) => h.status === 'running').map((h) => h.runId)).toEqual(runIds)
  for (const run of runs) {
    expect(run.results).toEqual({ 'test.accuracy': 0.5, 'stub.steps': 4 })
    const series = await lab.call('runs.metrics', { id: run.id })
    expect(series.map((s) => [s.key, s.points.map((p) => p.step)])).toEqual([
      ['stub.k0', [1, 2, 3, 4]],
      ['stub.k1', [1, 2, 3, 4]],
      ['stub.k2', [1, 2, 3, 4]],
    ])
  }
  expect(integrityCheck(lab.dbPath)).toBe('ok')
}, 120_000)
