/**
 * Two lab processes on one database file (DESIGN §1: one writer). The answer is "the second one
 * is refused, with a clear message": a scheduling lab holds `<db>.lock`; another scheduling lab
 * is refused at start naming the holder's pid; labs that only read (`runs list`) may open the
 * file beside it. Tested with real processes, started at the same instant (the lock used to be
 * read-then-written, so two labs starting together could both take it).
 */
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { integrityCheck } from '../helpers/db-digest'
import { spawnLab, type LabChild } from '../helpers/lab-child'
import type { LabProcessMessage } from '../helpers/lab-process'
import type { StreamOptions } from '../helpers/stream-launcher'
import { tempDir } from '../unit/store/helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const STREAM: StreamOptions = { pointsPerMessage: 40, keys: 4, intervalMs: 10, messages: 300 }
const firstWord = (m: LabProcessMessage): boolean => m.type === 'opened' || m.type === 'refused'

async function outcome(lab: LabChild): Promise<LabProcessMessage> {
  return lab.waitFor(firstWord, 60_000)
}

it('of labs started together on one file exactly one schedules; the others are refused by name; readers may read', async () => {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const dbPath = join(t.dir, 'lab.db')
  const spec = {
    name: 'two labs',
    dataset: { name: 'mnist-10k', trainLimit: 200 },
    model: { arch: 'mlp', hidden: [8] },
    sweep: { seeds: [0, 1] },
  }
  // Make the file first, so that the racers race for the lock and not for creating the schema.
  const maker = spawnLab({ dataDir: t.dir, schedule: false })
  await outcome(maker)
  expect(await maker.stop()).toBe(0)

  // Three racers, then (the lock released by a clean stop) two more.
  for (const [round, racers] of [3, 2].entries()) {
    const labs = Array.from({ length: racers }, () => spawnLab({ dataDir: t.dir, stream: STREAM }))
    for (const l of labs) cleanups.push(() => l.kill())
    const said = await Promise.all(labs.map(outcome))
    const opened = said.flatMap((m, i) => (m.type === 'opened' ? [i] : []))
    expect(opened, JSON.stringify(said)).toHaveLength(1)
    const owner = labs[opened[0]]
    for (const [i, m] of said.entries()) {
      if (i === opened[0]) continue
      expect(m).toEqual({
        type: 'refused',
        message: `another lab (pid ${owner.child.pid}) is running the queue of ${dbPath}; stop it first, or open this database without scheduling`,
      })
      expect((await labs[i].exited).code).toBe(3)
    }

    if (round > 0) {
      expect(await owner.stop()).toBe(0)
      continue
    }
    // The owner runs a launch while a reader in another process reads the same file.
    const launched = (await owner.call('experiments.launch', { spec })) as { ok: boolean; data: { runIds: number[] } }
    expect(launched.ok).toBe(true)
    const reader = spawnLab({ dataDir: t.dir, schedule: false })
    cleanups.push(() => reader.kill())
    expect(await outcome(reader)).toMatchObject({ type: 'opened' })
    for (let i = 0; i < 10; i++) {
      const listed = (await reader.call('runs.list', {})) as { ok: boolean }
      expect(listed.ok).toBe(true)
      await new Promise((r) => setTimeout(r, 30))
    }
    await owner.waitFor((m) => m.type === 'status' && m.runId === launched.data.runIds[1] && m.status === 'finished', 60_000)
    expect(await reader.stop()).toBe(0)
    // Once the owner stops, the lock is free for the next round.
    expect(await owner.stop()).toBe(0)
  }
  expect(integrityCheck(dbPath)).toBe('ok')
}, 150_000)
