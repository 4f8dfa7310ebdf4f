/**
 * `complab run --backend NAME` where that backend cannot run here is bad input: one line that
 * names what is missing and the fix, exit 2, nothing queued (no database is even created).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = join(__dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'complab-backend-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const spec = join(dir, 'spec.json')
const tiny = { name: 'tiny', dataset: { name: 'mnist-10k' }, model: { arch: 'mlp', hidden: [8] } }
writeFileSync(spec, JSON.stringify({ ...tiny, training: { epochs: 1 }, method: { kind: 'train' } }))

function runWith(backend: string, env: NodeJS.ProcessEnv): { code: number | null; errors: string[] } {
  const args = [join(root, 'bin', 'complab.mjs'), 'run', spec, '--backend', backend]
  const r = spawnSync(process.execPath, [...args, '--db', join(dir, `${backend}.db`)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env,
  })
  // Dawn itself may print warnings (native code); the lab's own message is the `error:` line.
  return { code: r.status, errors: r.stderr.split('\n').filter((l) => l.startsWith('error:')) }
}

describe('complab run --backend that cannot run here', () => {
  it('webgpu with no adapter: one line with the fix, exit 2, nothing queued', () => {
    // A Vulkan driver list naming no driver: Dawn finds no adapter, as on a machine without one.
    const noDriver = { ...process.env, VK_ICD_FILENAMES: join(dir, 'no-such-icd.json') }
    const r = runWith('webgpu', noDriver)
    expect(r.code).toBe(2)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatch(/^error: backend "webgpu" is not available \(requested\): /)
    expect(r.errors[0]).toMatch(/no WebGPU adapter|not installed/)
    expect(r.errors[0]).toContain('fix: ')
    expect(existsSync(join(dir, 'webgpu.db'))).toBe(false)
  }, 150_000)

  it('an unknown backend names the choices', () => {
    const r = runWith('webgl', process.env)
    expect(r.code).toBe(2)
    expect(r.errors).toEqual([
      'error: unknown backend "webgl" (requested); choose one of webgpu, tensorflow, wasm, cpu, or auto',
    ])
    expect(existsSync(join(dir, 'webgl.db'))).toBe(false)
  }, 150_000)
})
