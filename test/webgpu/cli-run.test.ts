/**
 * `complab run --backend webgpu` end to end on the adapter at hand (SwiftShader in CI), as the
 * issue's "done when" asks: a small Taylor pruning spec (its parent trained first) and a small
 * Hinton distillation spec (its teacher trained first) finish, each run recorded as webgpu with
 * its adapter, which `complab runs show` prints. Every run is a fresh worker process that compiles
 * its shaders again; the worker's heartbeat keeps beating between compiles
 * (src-main/engine/backend/webgpu-pipelines.ts), so the scheduler's 60 s timeout holds.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { webgpuAvailable } from './webgpu-tier'

const available = await webgpuAvailable()
const root = join(__dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'complab-webgpu-run-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** `complab args` on this file's database, without blocking the test worker's event loop. */
function complab(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = join(root, 'bin', 'complab.mjs')
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args, '--db', join(dir, 'lab.db')], { cwd: root, encoding: 'utf8', timeout: 560_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    )
  })
}

const dataset = { name: 'mnist-10k', trainLimit: 200 }
const training = { epochs: 1, batchSize: 50 }

async function runSpec(name: string, spec: Record<string, unknown>): Promise<void> {
  const path = join(dir, `${name}.json`)
  writeFileSync(path, JSON.stringify({ name, dataset, training, ...spec }))
  const run = await complab(['run', path, '--backend', 'webgpu'])
  const said = `complab run ${name}: exit ${run.code}\n${run.stdout}\n${run.stderr}`
  expect(run.stderr + run.stdout, said).not.toMatch(/^error:|failed|interrupted/m)
  expect(run.code, said).toBe(0)
}

describe.skipIf(!available.ok)('complab run --backend webgpu', () => {
  it('a Taylor pruning run and a Hinton distillation run finish, recorded as webgpu with the adapter', { timeout: 1_200_000 }, async () => {
    await runSpec('taylor-webgpu', {
      model: { arch: 'mlp', hidden: [24, 16] },
      method: { kind: 'prune', criterion: 'taylor', target: { ratio: 0.25 }, unitsPerStep: 10, fineTuneSteps: 1, finalEpochs: 1 },
    })
    await runSpec('hinton-webgpu', {
      model: { arch: 'mlp', hidden: [8] },
      method: { kind: 'distill', loss: 'hinton', temperature: 4, baseline: false, teacher: { source: 'train', model: { arch: 'mlp', hidden: [32] } } },
    })
    const list = JSON.parse((await complab(['runs', 'list', '--json'])).stdout) as { rows: { id: number; role: string; status: string; error: string | null; backend: string }[] }
    expect(list.rows.map((r) => `${r.id} ${r.role} ${r.status} ${r.backend} ${r.error ?? ''}`.trim())).toEqual([
      '1 parent finished webgpu',
      '2 pruned finished webgpu',
      '3 teacher finished webgpu',
      '4 student finished webgpu',
    ])
    for (const id of [1, 2, 3, 4]) {
      const shown = await complab(['runs', 'show', String(id)])
      expect(shown.stdout).toMatch(/backend webgpu\n/)
      expect(shown.stdout).toMatch(/^adapter .+\((.+, )?(software|hardware)\), max buffer \d/m)
    }
    expect((await complab(['runs', 'show', '2'])).stdout).toMatch(/params = /)
    expect((await complab(['runs', 'show', '4'])).stdout).toMatch(/KL form of the Hinton loss/)
  })
})
