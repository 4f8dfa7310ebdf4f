/**
 * Whose runs a command runs (issue 14, items 6 and 7), end to end with real processes, a real
 * database and the real engine on 200 MNIST digits: `complab run` starts only the experiment it
 * launched and says what else waits; `complab resume` runs the queue to its end; `runs list` says
 * when runs marked running have no lab; `complab serve --backend` reaches the workers.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLab } from '../../src-main/lab/index'
import { openStore } from '../../src-main/store/index'
import { complab, startComplab } from '../helpers/complab'
import { waitFor } from '../helpers/process-watch'

const SLOW = 300_000

function tiny(name: string, seeds: number[]): Record<string, unknown> {
  return {
    name,
    dataset: { name: 'mnist-10k', trainLimit: 200 },
    model: { arch: 'mlp', hidden: [8] },
    training: { epochs: 1 },
    sweep: { seeds },
  }
}

describe('which runs a command runs', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'complab-queue-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** A database where a lab died while it ran experiment A: run 1 marked running, run 2 queued. */
  async function deadLabDatabase(name: string): Promise<{ db: string; a1: number; a2: number }> {
    const db = join(dir, `${name}.db`)
    const lab = await createLab({ dbPath: db, dataDir: join(dir, `${name}-data`), schedule: false })
    const [a1, a2] = (await lab.call('experiments.launch', { spec: tiny('A', [0, 1]) })).runIds
    await lab.stop()
    const store = openStore(db)
    store.runs.start(a1)
    store.close()
    return { db, a1, a2 }
  }

  function statuses(db: string, ids: number[]): Record<number, string> {
    const store = openStore(db)
    try {
      return Object.fromEntries(store.runs.statuses(ids))
    } finally {
      store.close()
    }
  }

  it('runs list says when runs marked running have no lab to run them', async () => {
    const { db, a1 } = await deadLabDatabase('stale')
    // While a live lab holds the database, running means running.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    try {
      writeFileSync(`${db}.lock`, `${holder.pid}\n`)
      const held = await complab(['runs', 'list', '--db', db])
      expect(held.code).toBe(0)
      expect(held.stdout).not.toMatch(/stale|note:/)
    } finally {
      holder.kill('SIGKILL')
    }
    const list = await complab(['runs', 'list', '--db', db])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(new RegExp(`^${a1} .*running \\(stale\\)`, 'm'))
    expect(list.stdout).toMatch(/note: 1 run is marked running but no lab holds .*stale\.db: .*`complab resume`/)
    const json = JSON.parse((await complab(['runs', 'list', '--db', db, '--json'])).stdout)
    expect(json.staleRunning).toEqual([a1])
    const show = await complab(['runs', 'show', String(a1), '--db', db])
    expect(show.stdout).toMatch(/^note: 1 run is marked running but no lab holds /m)
  }, SLOW)

  it('run starts only its experiment and says what waits; resume runs the queue to its end', async () => {
    const { db, a1, a2 } = await deadLabDatabase('queue')
    const specB = join(dir, 'b.json')
    writeFileSync(specB, JSON.stringify(tiny('B', [0])))
    const run = await complab(['run', specB, '--db', db, '--quiet'])
    expect(run.stderr).not.toMatch(/error/)
    expect(run.code).toBe(0)
    const b = a2 + 1
    // The dead lab's run is interrupted (any lab that schedules does that first); A's queued run waits.
    expect(statuses(db, [a1, a2, b])).toEqual({ [a1]: 'interrupted', [a2]: 'queued', [b]: 'finished' })
    expect(run.stdout).toMatch(/experiment #2: 1 run queued/)
    const note = 'note: 1 queued run of another experiment waits: `complab resume` (or `complab serve`) runs it'
    expect(run.stdout.split('\n').filter((l) => l === note)).toHaveLength(2) // at the start and the end
    expect(run.stdout).toMatch(new RegExp(`^#${b} .*: finished$`, 'm'))
    expect(run.stdout).not.toMatch(new RegExp(`#${a2} `))

    const resume = await complab(['resume', '--db', db, '--quiet'])
    expect(resume.stderr).not.toMatch(/error/)
    expect(resume.code).toBe(0)
    expect(resume.stdout).toMatch(/^resuming 1 queued run of /m)
    expect(resume.stdout).toMatch(new RegExp(`^#${a2} .*: running$`, 'm'))
    expect(resume.stdout).toMatch(new RegExp(`^#${a2} .*: finished$`, 'm'))
    expect(resume.stdout).toMatch(new RegExp(`^${a2} +seed 1 +finished`, 'm')) // the outcome table
    expect(statuses(db, [a1, a2, b])).toEqual({ [a1]: 'interrupted', [a2]: 'finished', [b]: 'finished' })

    const again = await complab(['resume', '--db', db])
    expect(again.code).toBe(0)
    expect(again.stdout.trim()).toBe(`no queued runs in ${db}`)
  }, SLOW)

  it('serve --backend cpu trains a launched run on the cpu backend', async () => {
    const db = join(dir, 'served.db')
    // The helper asks for wasm through the environment: the flag must win.
    const server = startComplab(['serve', '--db', db, '--port', '0', '--backend', 'cpu'])
    try {
      const opened = await waitFor(() => /^open (\S+)/m.test(server.stdout()) || server.child.exitCode !== null, 240_000)
      expect(opened, server.stderr()).toBe(true)
      const url = new URL(/^open (\S+)/m.exec(server.stdout())?.[1] ?? 'http://invalid')
      const call = async (method: string, input: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> => {
        const res = await fetch(new URL(`/api/${method}`, url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        })
        return (await res.json()) as { ok: boolean; data: Record<string, unknown> }
      }
      const launched = await call('experiments.launch', { spec: tiny('served', [0]) })
      expect(launched.ok).toBe(true)
      const [id] = launched.data.runIds as number[]
      let run: Record<string, unknown> = {}
      const done = async (): Promise<boolean> => {
        run = (await call('runs.get', { id })).data
        return run.status !== 'queued' && run.status !== 'running'
      }
      const end = Date.now() + 120_000
      while (!(await done()) && Date.now() < end) await new Promise((r) => setTimeout(r, 250))
      expect(run).toMatchObject({ status: 'finished', backend: 'cpu' })
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(0)
  }, SLOW)
})
