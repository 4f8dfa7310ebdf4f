/**
 * The database cannot be written: a full disk, and a database file the user may not write.
 *
 * Full disk: the lab runs in a process whose file-size limit (`ulimit -f`, which works without
 * root or a small file system) stops SQLite's writes at 256 kB, while a worker streams metrics.
 * Promised: the run fails with a reason that says the database cannot be written and why; the
 * queued run waits instead of failing the same way; the lab keeps answering what is stored, and a
 * write is refused with an `unavailable` envelope that says why; the file stays sound; after the
 * restart (space again) the queued run runs.
 *
 * Read-only file: opened by another user (`nobody`; root ignores file modes) a lab that only
 * reads opens it read-only and serves it, a write is refused with a clear envelope, and a
 * scheduling lab is refused at start with a one-line reason.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createLab } from '../../src-main/lab/index'
import { integrityCheck } from '../helpers/db-digest'
import { spawnLab } from '../helpers/lab-child'
import { streamLauncher, type StreamOptions } from '../helpers/stream-launcher'
import { tempDir } from '../unit/store/helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

/**
 * The lab process's file-size limit: room for a new database (its five migrations leave ~180 kB
 * in the WAL) and a little more, so the runs' writes are what fill the "disk".
 */
const FILE_LIMIT_KB = 448
const STREAM: StreamOptions = { pointsPerMessage: 100, keys: 4, intervalMs: 5, messages: 1e9 }
/** About 4,000 points a second, flushed in batches of a few kilobytes. */
const SMALL_BATCHES: StreamOptions = { pointsPerMessage: 40, keys: 4, intervalMs: 10, messages: 1e9 }
const TINY = {
  dataset: { name: 'mnist-10k', trainLimit: 200 },
  model: { arch: 'mlp', hidden: [8] },
  training: { epochs: 1 },
}
const CANNOT_WRITE = /^cannot write the database: (the disk is full|the disk refused a write \(I\/O error\)) \(SQLITE_[A-Z_]+\)/

interface Envelope {
  ok: boolean
  data?: unknown
  error?: { code: string; message: string }
}

describe('a full disk', () => {
  it('fails the run that cannot be stored, keeps the queue waiting, answers reads, refuses writes plainly', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const lab = spawnLab(
      { dataDir: t.dir, concurrency: 1, stream: SMALL_BATCHES, launch: { name: 'full disk', ...TINY, sweep: { seeds: [0, 1] } } },
      { fileSizeLimitKb: FILE_LIMIT_KB },
    )
    cleanups.push(() => lab.kill())
    const { runIds } = (await lab.waitFor((m) => m.type === 'launched')) as { runIds: number[] }
    const failed = await lab.waitFor((m) => m.type === 'status' && m.status === 'failed', 60_000)
    expect(failed).toMatchObject({ runId: runIds[0] })
    expect((failed as { error: string }).error).toMatch(CANNOT_WRITE)
    expect((failed as { error: string }).error).toMatch(/; the run was stopped$/)

    // Reads still work, and say what happened.
    const listed = (await lab.call('runs.list', {})) as Envelope
    expect(listed.ok).toBe(true)
    const rows = (listed.data as { rows: { id: number; status: string; error: string | null }[] }).rows
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [runIds[0], 'failed'],
      [runIds[1], 'queued'],
    ])
    expect(rows[0].error).toMatch(CANNOT_WRITE)
    expect(((await lab.call('runs.get', { id: runIds[0] })) as Envelope).ok).toBe(true)
    // A write that needs room is refused with the reason, as an envelope: 100,000 '€' are
    // 300 kB of UTF-8, more than the whole limit.
    const note = (await lab.call('runs.note', { id: runIds[0], body: '€'.repeat(100_000) })) as Envelope
    expect(note.ok).toBe(false)
    expect(note.error?.code).toBe('unavailable')
    expect(note.error?.message).toMatch(CANNOT_WRITE)
    expect(note.error?.message).toMatch(/the lab can still show what is stored$/)
    // The second run never started: the queue waits rather than failing each run in turn.
    await new Promise((r) => setTimeout(r, 500))
    expect(lab.messages.filter((m) => m.type === 'status' && m.runId === runIds[1])).toEqual([])
    expect(await lab.stop()).toBe(0)

    // With room again (no limit): the file is sound, the failure recorded, the queue runs.
    expect(integrityCheck(join(t.dir, 'lab.db'))).toBe('ok')
    const again = await createLab({ dataDir: t.dir, launcher: streamLauncher({ ...STREAM, messages: 3 }) })
    cleanups.push(() => again.stop())
    await again.idle()
    const after = (await again.call('runs.list', {})).rows
    expect(after.map((r) => [r.id, r.status])).toEqual([
      [runIds[0], 'failed'],
      [runIds[1], 'finished'],
    ])
    expect(after[0].error).toMatch(CANNOT_WRITE)
  }, 120_000)
})

describe('a full disk at the COMMIT of a run\'s last events', () => {
  it('fails the run (never `finished` without its results), in the event and in the database', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    // One message of 4,000 points, then the results and `done`, all in one tick: the run's end is
    // one transaction of several hundred kB, which fails at COMMIT (the WAL is written then).
    const lastBurst: StreamOptions = { pointsPerMessage: 4000, keys: 4, messagesPerTick: 2, intervalMs: 5, messages: 1 }
    const lab = spawnLab({ dataDir: t.dir, stream: lastBurst, launch: { name: 'full at commit', ...TINY } }, { fileSizeLimitKb: FILE_LIMIT_KB })
    cleanups.push(() => lab.kill())
    const { runIds } = (await lab.waitFor((m) => m.type === 'launched')) as { runIds: number[] }
    const end = await lab.waitFor((m) => m.type === 'status' && m.runId === runIds[0] && m.status !== 'running', 60_000)
    expect(end).toMatchObject({ status: 'failed' })
    expect((end as { error: string }).error).toMatch(CANNOT_WRITE)
    expect((end as { error: string }).error).toMatch(/; the run's last results were not stored$/)
    expect(await lab.stop()).toBe(0)

    expect(integrityCheck(join(t.dir, 'lab.db'))).toBe('ok')
    const again = await createLab({ dataDir: t.dir, schedule: false })
    cleanups.push(() => again.stop())
    const run = await again.call('runs.get', { id: runIds[0] })
    expect(run.status).toBe('failed')
    expect(run.error).toMatch(/the run's last results were not stored$/)
  }, 90_000)
})

/** Who can be made to lack write permission: `nobody` when we are root, else ourselves. */
function otherUser(): { uid: number; gid: number } | { skip: string } | null {
  if (typeof process.getuid !== 'function') return { skip: 'no POSIX users on this platform' }
  if (process.getuid() !== 0) return null
  try {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim())
    if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid }
  } catch {
    // no such user
  }
  return { skip: 'running as root (which ignores file modes) and there is no user nobody' }
}

const user = otherUser()
const skipReason = user && 'skip' in user ? user.skip : ''
if (skipReason) console.warn(`[faults-storage] read-only database test skipped: ${skipReason}`)

describe('a read-only database file', () => {
  it.skipIf(Boolean(skipReason))('is served read-only to a lab that reads; writes and scheduling are refused with the reason', async () => {
    const t = tempDir()
    cleanups.push(t.cleanup)
    const writer = await createLab({ dataDir: t.dir, schedule: false })
    const { runIds } = await writer.call('experiments.launch', { spec: { name: 'read me', ...TINY } })
    await writer.call('runs.note', { id: runIds[0], body: 'written before it became read-only' })
    await writer.stop()
    const dbPath = join(t.dir, 'lab.db')
    chmodSync(dbPath, 0o444)
    // The folder stays writable (SQLite keeps its shared-memory file there), as a home folder is.
    chmodSync(t.dir, 0o777)
    const as = user && 'uid' in user ? { uid: user.uid, gid: user.gid, env: { HOME: t.dir } } : {}

    const reader = spawnLab({ dataDir: t.dir, schedule: false }, as)
    cleanups.push(() => reader.kill())
    await reader.waitFor((m) => m.type === 'opened' || m.type === 'refused')
    expect(reader.messages[0], reader.stderr()).toMatchObject({ type: 'opened' })
    const got = (await reader.call('runs.get', { id: runIds[0] })) as Envelope
    expect(got.ok).toBe(true)
    expect(got.data).toMatchObject({ status: 'queued', notes: 'written before it became read-only' })
    const note = (await reader.call('runs.note', { id: runIds[0], body: 'no' })) as Envelope
    expect(note).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(note.error?.message).toMatch(/^cannot write the database: the database file is read-only \(SQLITE_READONLY[A-Z_]*\)/)
    expect(await reader.stop()).toBe(0)

    const scheduler = spawnLab({ dataDir: t.dir }, as)
    cleanups.push(() => scheduler.kill())
    const refused = await scheduler.waitFor((m) => m.type === 'refused' || m.type === 'opened')
    expect(refused).toEqual({ type: 'refused', message: `cannot open database ${dbPath}: permission denied (the file is not writable)` })
    expect(integrityCheck(dbPath)).toBe('ok')
  }, 90_000)
})
