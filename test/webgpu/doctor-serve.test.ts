/**
 * The adapter at hand as a user meets it (issue 15 item 4): `complab doctor` lists it with its
 * vendor, architecture, description, software or hardware and max buffer size; `complab serve
 * --backend webgpu` trains a launched run on it, and the API's run and system info say so.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RunDetail, SystemInfo } from '../../src-shared/types'
import { complab, startComplab } from '../helpers/complab'
import { waitFor } from '../helpers/process-watch'
import { webgpuAvailable } from './webgpu-tier'

const available = await webgpuAvailable()
const dir = mkdtempSync(join(tmpdir(), 'complab-webgpu-serve-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(!available.ok)('doctor and serve on webgpu', () => {
  it('complab doctor lists the adapter with its facts', async () => {
    const r = await complab(['doctor'])
    expect(r.stdout).toMatch(/^ ok {2}WebGPU adapter 1: .+ \((.+, )?(software|hardware)\), max buffer \d+(\.\d)? (MiB|GiB)$/m)
  }, 120_000)

  it('serve --backend webgpu trains a launched run on the adapter', async () => {
    const server = startComplab(['serve', '--db', join(dir, 'served.db'), '--port', '0', '--backend', 'webgpu'])
    try {
      const opened = await waitFor(() => /^open (\S+)/m.test(server.stdout()) || server.child.exitCode !== null, 240_000)
      expect(opened, server.stderr()).toBe(true)
      const url = new URL(/^open (\S+)/m.exec(server.stdout())?.[1] ?? 'http://invalid')
      const call = async <T>(method: string, input: unknown): Promise<{ ok: boolean; data: T }> => {
        const res = await fetch(new URL(`/api/${method}`, url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        })
        return (await res.json()) as { ok: boolean; data: T }
      }
      const spec = { name: 'served-webgpu', dataset: { name: 'mnist-10k', trainLimit: 100 }, model: { arch: 'mlp', hidden: [8] }, training: { epochs: 1, batchSize: 50 } }
      const launched = await call<{ runIds: number[] }>('experiments.launch', { spec })
      expect(launched.ok).toBe(true)
      const [id] = launched.data.runIds
      let run = {} as RunDetail
      const end = Date.now() + 240_000
      while (Date.now() < end) {
        run = (await call<RunDetail>('runs.get', { id })).data
        if (run.status !== 'queued' && run.status !== 'running') break
        await new Promise((r) => setTimeout(r, 500))
      }
      expect(run).toMatchObject({ status: 'finished', backend: 'webgpu' })
      expect(run.adapter?.maxBufferSize).toBeGreaterThan(0)
      const system = (await call<SystemInfo>('system.info', {})).data
      expect(system.doctor.webgpuAdapters?.map((a) => a.description)).toContain(run.adapter?.description)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(0)
  }, 400_000)
})
