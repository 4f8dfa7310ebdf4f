/**
 * A worker killed while it saves its model (a real worker, TensorFlow.js, tiny data). A
 * preloaded fault module kills the process with SIGKILL at the instant it would rename the
 * finished `model.json` into place: `weights.bin` is already there, model.json exists only as a
 * temporary file. The run must fail saying so, record no artifact, leave no file behind, and the
 * student waiting on it must fail naming its teacher.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect, it } from 'vitest'
import { createLab } from '../../src-main/lab/index'
import { runArtifactDir } from '../../src-main/store/data-folder'
import { integrityCheck } from '../helpers/db-digest'
import { processLauncher, REAL_WORKER } from '../helpers/process-launcher'
import { tempDir } from '../unit/store/helpers'

const FAULT = fileURLToPath(new URL('../helpers/fault-rename.mjs', import.meta.url))
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}

it('a worker killed between writing model.json and renaming it: failed, no artifact, no file left, student fails', async () => {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const launcher = processLauncher(REAL_WORKER, {
    execArgv: ['--import', FAULT],
    env: { COMPLAB_FAULT_RENAME: 'model.json' },
  })
  const lab = await createLab({ dataDir: t.dir, launcher, backend: 'cpu' })
  cleanups.push(() => lab.stop())
  const { experimentId, runIds } = await lab.call('experiments.launch', {
    spec: {
      name: 'killed during save',
      dataset: { name: 'mnist-10k', trainLimit: 200 },
      model: { arch: 'mlp', hidden: [8] },
      training: { epochs: 1, batchSize: 100 },
      method: {
        kind: 'distill',
        temperature: 2,
        baseline: false,
        teacher: { source: 'train', model: { arch: 'mlp', hidden: [8] } },
      },
    },
  })
  const [teacher, student] = runIds
  await lab.idle(experimentId)

  const t1 = await lab.call('runs.get', { id: teacher })
  expect(launcher.handles[0].stderrTail()).toBe('')
  expect(t1.status).toBe('failed')
  expect(t1.error).toBe('worker killed by SIGKILL')
  // It had trained: its epoch metrics are stored; its results never came.
  expect((await lab.call('runs.metrics', { id: teacher })).map((s) => s.key)).toContain('train.loss')
  expect(t1.results).toEqual({})
  expect(t1.artifacts).toEqual([])
  // Neither the temporary model.json nor the weights.bin renamed before it is left behind.
  expect(filesUnder(runArtifactDir(t.dir, teacher))).toEqual([])

  const s1 = await lab.call('runs.get', { id: student })
  expect(s1.status).toBe('failed')
  expect(s1.error).toBe(`teacher run #${teacher} failed`)
  expect(launcher.handles).toHaveLength(1)
  expect(integrityCheck(lab.dbPath)).toBe('ok')
}, 120_000)
