/**
 * `complab run --backend webgpu` end to end on the adapter at hand: a tiny MLP trains, the run
 * finishes and is recorded with backend webgpu.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { webgpuAvailable } from './webgpu-tier'

const available = await webgpuAvailable()
const root = join(__dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'complab-webgpu-run-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function complab(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const bin = join(root, 'bin', 'complab.mjs')
  const r = spawnSync(process.execPath, [bin, ...args, '--db', join(dir, 'lab.db')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe.skipIf(!available.ok)('complab run --backend webgpu', () => {
  it('trains a tiny MLP and records the run as webgpu', { timeout: 300_000 }, () => {
    const spec = join(dir, 'tiny.json')
    writeFileSync(
      spec,
      JSON.stringify({
        name: 'tiny-webgpu',
        dataset: { name: 'mnist-10k', trainLimit: 200 },
        model: { arch: 'mlp', hidden: [16] },
        training: { epochs: 1, batchSize: 50 },
        method: { kind: 'train' },
      }),
    )
    const run = complab(['run', spec, '--backend', 'webgpu', '--quiet'])
    expect(run.stderr + run.stdout).not.toMatch(/^error:|failed/m)
    expect(run.code).toBe(0)
    const shown = complab(['runs', 'show', '1'])
    expect(shown.stdout).toMatch(/backend webgpu/)
  })
})
