/**
 * Another program holds the database's write lock (an `sqlite3` shell in a transaction, a DB
 * browser, a backup) while runs stream their events. The lab runs in a process of its own; the
 * test holds the lock through a second, real SQLite connection (`BEGIN IMMEDIATE`).
 *
 * Promised (docs/reliability.md, "A locked database"):
 * - no event is dropped: a batch refused because the database is locked stays buffered and is
 *   written when the lock goes; a run settles only once its last events are stored;
 * - the lab keeps answering reads while the lock is held (WAL readers need no write lock), and a
 *   write asked of it waits asynchronously, then says the database is locked;
 * - a run whose events could not be stored for `lockWaitMs` fails saying so, and the events still
 *   held are written when the lock goes.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { integrityCheck } from '../helpers/db-digest'
import { spawnLab } from '../helpers/lab-child'
import type { StreamOptions } from '../helpers/stream-launcher'
import { tempDir } from '../unit/store/helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const TINY = {
  dataset: { name: 'mnist-10k', trainLimit: 200 },
  model: { arch: 'mlp', hidden: [8] },
  training: { epochs: 1 },
}
/** 30 metric messages of 8 points each over about 3 s, then the results and `done`. */
const THIRTY: StreamOptions = { pointsPerMessage: 8, keys: 4, intervalMs: 100, messages: 30 }

interface Envelope {
  ok: boolean
  data?: unknown
  error?: { code: string; message: string }
}

/** A second connection that takes the write lock and keeps it until `release()`. */
function holdWriteLock(dbPath: string): { release: () => void } {
  const db = new Database(dbPath)
  db.pragma('busy_timeout = 10000')
  db.exec('BEGIN IMMEDIATE')
  return {
    release() {
      if (!db.open) return
      db.exec('COMMIT')
      db.close()
    },
  }
}

function stored(dbPath: string, runId: number): { status: string; error: string | null; points: number; results: number } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    const run = db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as { status: string; error: string | null }
    const points = (db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runId) as { n: number }).n
    const results = (db.prepare('SELECT count(*) AS n FROM results WHERE run_id = ?').get(runId) as { n: number }).n
    return { ...run, points, results }
  } finally {
    db.close()
  }
}

/** True when every metric key of the run has the steps 0..n-1 exactly once: no batch missing. */
function contiguous(dbPath: string, runId: number): boolean {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    const rows = db
      .prepare('SELECT key, count(*) AS n, count(DISTINCT step) AS d, min(step) AS lo, max(step) AS hi FROM metrics WHERE run_id = ? GROUP BY key')
      .all(runId) as { key: string; n: number; d: number; lo: number; hi: number }[]
    return rows.length > 0 && rows.every((r) => r.n === r.d && r.lo === 0 && r.hi === r.n - 1)
  } finally {
    db.close()
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A lab process streaming one run; resolves once its first batch is stored, then takes the lock. */
async function lockedWhileStreaming(
  stream: StreamOptions,
  extra: { lockWaitMs?: number } = {},
): Promise<{ lab: ReturnType<typeof spawnLab>; dbPath: string; runId: number; lock: { release: () => void } }> {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const dbPath = join(t.dir, 'lab.db')
  const lab = spawnLab({ dataDir: t.dir, stream, ...extra, launch: { name: 'locked', ...TINY } })
  cleanups.push(() => lab.kill())
  const { runIds } = (await lab.waitFor((m) => m.type === 'launched')) as { runIds: number[] }
  const runId = runIds[0]
  await lab.waitFor((m) => m.type === 'ack' && m.runId === runId)
  const lock = holdWriteLock(dbPath)
  cleanups.push(() => lock.release())
  return { lab, dbPath, runId, lock }
}

describe('a database whose write lock another program holds', () => {
  it('keeps every event of a run that ends while the lock is held, and stays answering', async () => {
    // Held for far longer than a busy timeout, and past the run's end (about 3 s after its start).
    const { lab, dbPath, runId, lock } = await lockedWhileStreaming(THIRTY)
    await sleep(1000)
    // Reads answer at once while the lock is held.
    const began = Date.now()
    const listed = (await lab.call('runs.list', {})) as Envelope
    expect(listed.ok).toBe(true)
    expect(Date.now() - began).toBeLessThan(1000)
    // A write waits for the lock, asynchronously (the read above was not held up by it).
    const note = lab.call('runs.note', { id: runId, body: 'written once the lock is gone' }, 60_000)
    await sleep(5500)
    // The run has sent everything and said `done`, but nothing could be stored: not settled.
    expect(lab.messages.filter((m) => m.type === 'status' && m.runId === runId && m.status !== 'running')).toEqual([])
    expect(stored(dbPath, runId).status).toBe('running')
    const again = Date.now()
    expect(((await lab.call('runs.get', { id: runId })) as Envelope).ok).toBe(true)
    expect(Date.now() - again).toBeLessThan(1000)
    lock.release()

    const end = await lab.waitFor((m) => m.type === 'status' && m.runId === runId && m.status !== 'running', 30_000)
    expect(end).toMatchObject({ status: 'finished', error: null })
    expect(((await note) as Envelope).ok).toBe(true)
    const row = stored(dbPath, runId)
    expect(row).toMatchObject({ status: 'finished', points: 30 * 8, results: 2 })
    expect(contiguous(dbPath, runId)).toBe(true)
    expect(((await lab.call('runs.get', { id: runId })) as Envelope).data).toMatchObject({
      notes: 'written once the lock is gone',
    })
    expect(lab.messages.filter((m) => m.type === 'warning').map((m) => (m as { message: string }).message).join('\n')).not.toMatch(
      /could not be stored/,
    )
    expect(await lab.stop()).toBe(0)
    expect(integrityCheck(dbPath)).toBe('ok')
  }, 90_000)

  it('fails a run whose events wait longer than lockWaitMs, and writes what it held when the lock goes', async () => {
    const { lab, dbPath, runId, lock } = await lockedWhileStreaming({ ...THIRTY, messages: 1e9 }, { lockWaitMs: 2000 })

    const failed = await lab.waitFor((m) => m.type === 'status' && m.runId === runId && m.status !== 'running', 30_000)
    expect(failed).toMatchObject({ status: 'failed' })
    expect((failed as { error: string }).error).toMatch(
      /^the database was locked by another program for 2 s: this run's events could not be stored; they are written when the lock is released/,
    )
    // The worker was stopped; everything it sent is still held, none of it is written yet.
    const sentBefore = stored(dbPath, runId)
    expect(sentBefore.status).toBe('running')
    lock.release()
    await lab.waitFor(
      (m) => m.type === 'warning' && /events of run #\d+ held during the lock are stored/.test((m as { message: string }).message),
      30_000,
    )
    const row = stored(dbPath, runId)
    expect(row.status).toBe('failed')
    expect(row.error).toMatch(/locked by another program/)
    // Every point the stream sent before it was stopped: no batch missing, none twice.
    expect(row.points).toBeGreaterThan(sentBefore.points)
    expect(contiguous(dbPath, runId)).toBe(true)
    expect(await lab.stop()).toBe(0)
    expect(integrityCheck(dbPath)).toBe('ok')
  }, 90_000)
})
