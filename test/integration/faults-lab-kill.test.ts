/**
 * The whole lab process killed with SIGKILL while it writes (DESIGN §1: the queue lives in
 * SQLite). A lab in its own process runs workers that stream metrics as fast as it can store them,
 * so the kill lands in or between write transactions; it is killed twice (the second time while
 * running the run the first restart picked up), then a lab opens the file for good. Promised:
 * `PRAGMA integrity_check` is ok, every run that was running says `interrupted` (with the reason),
 * every metric point the lab had acknowledged (emitted after its commit) is stored with its value,
 * and the queued run starts and finishes. The kill moments come from a seeded generator
 * (COMPLAB_FUZZ_SEED replays one).
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, expect, it } from 'vitest'
import { createLab } from '../../src-main/lab/index'
import { integrityCheck } from '../helpers/db-digest'
import { spawnLab, type LabChild } from '../helpers/lab-child'
import type { LabProcessMessage } from '../helpers/lab-process'
import { seededRandom, testSeed } from '../helpers/seeded-random'
import { streamLauncher, streamValue, type StreamOptions } from '../helpers/stream-launcher'
import { tempDir } from '../unit/store/helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const STREAM: StreamOptions = { pointsPerMessage: 100, keys: 4, intervalMs: 5, messages: 1e9 }
type Ack = Extract<LabProcessMessage, { type: 'ack' }>
const isAck = (m: LabProcessMessage): m is Ack => m.type === 'ack'

/** Waits until the child has acknowledged `n` metric batches, then kills it with SIGKILL. */
async function killAfterAcks(lab: LabChild, n: number): Promise<Ack[]> {
  await lab.waitFor((m) => m.type === 'opened')
  await lab.waitFor(() => lab.messages.filter(isAck).length >= n, 60_000)
  await lab.kill()
  return lab.messages.filter(isAck)
}

it('a lab killed -9 mid-write (twice) leaves a sound database, truthful statuses, every acknowledged point, and its queue', async () => {
  const seed = testSeed(20260808)
  const rng = seededRandom(seed)
  const t = tempDir()
  cleanups.push(t.cleanup)
  const spec = {
    name: 'killed lab',
    dataset: { name: 'mnist-10k', trainLimit: 200 },
    model: { arch: 'mlp', hidden: [8] },
    training: { epochs: 1 },
    sweep: { seeds: [0, 1, 2] },
  }

  const first = spawnLab({ dataDir: t.dir, concurrency: 1, stream: STREAM, launch: spec })
  cleanups.push(() => first.kill())
  const { runIds } = (await first.waitFor((m) => m.type === 'launched')) as { runIds: number[] }
  const acks = await killAfterAcks(first, rng.int(4, 12))
  expect(first.messages.filter((m) => m.type === 'status').map((m) => [m.runId, m.status])).toEqual([[runIds[0], 'running']])

  // The restart: run 1 becomes interrupted, run 2 (queued) starts; killed again mid-stream.
  const second = spawnLab({ dataDir: t.dir, concurrency: 1, stream: STREAM })
  cleanups.push(() => second.kill())
  acks.push(...(await killAfterAcks(second, rng.int(3, 10))))
  // (Recovery marked run 1 interrupted while the lab opened, before anyone listened.)
  const seen = second.messages.filter((m) => m.type === 'status').map((m) => [m.runId, m.status])
  expect(seen).toEqual([[runIds[1], 'running']])

  const dbPath = join(t.dir, 'lab.db')
  // Read before any lab opens it again: SQLite's own recovery of the WAL, nothing of ours.
  expect(integrityCheck(dbPath)).toBe('ok')

  // The lab for good (in this process, fast workers): recovery, then the queue runs to the end.
  const lab = await createLab({
    dataDir: t.dir,
    launcher: streamLauncher({ ...STREAM, messages: 5 }),
  })
  cleanups.push(() => lab.stop())
  await lab.idle()
  const rows = (await lab.call('runs.list', {})).rows.map((r) => [r.id, r.status, r.error])
  expect(rows).toEqual([
    [runIds[0], 'interrupted', 'interrupted: the lab stopped while it ran'],
    [runIds[1], 'interrupted', 'interrupted: the lab stopped while it ran'],
    [runIds[2], 'finished', null],
  ])
  await lab.stop()

  // Every acknowledged point is there with its value.
  const db = new Database(dbPath, { readonly: true })
  cleanups.push(() => {
    db.close()
  })
  const stored = db.prepare('SELECT value FROM metrics WHERE run_id = ? AND key = ? AND step = ?')
  const between = db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ? AND key = ? AND step BETWEEN ? AND ?')
  let acknowledged = 0
  for (const ack of acks) {
    for (const [key, from, to, count] of ack.ranges) {
      // A batch holds whole messages: its steps of one key are contiguous.
      expect(to - from + 1, `seed ${seed}`).toBe(count)
      expect((between.get(ack.runId, key, from, to) as { n: number }).n, `seed ${seed}: run ${ack.runId} ${key} ${from}..${to}`).toBe(count)
      const k = Number(key.slice('ingest.k'.length))
      for (const step of [from, to]) expect((stored.get(ack.runId, key, step) as { value: number }).value).toBe(streamValue(k, step))
      acknowledged += count
    }
  }
  expect(acknowledged).toBeGreaterThan(0)
  expect(integrityCheck(dbPath)).toBe('ok')
}, 150_000)
