/**
 * A damaged database file (issue 14, item 9): a lab must say the file is damaged, which file, and
 * how to recover it, at open when the file is small enough to check whole, else at the first
 * statement that meets the damage — never "cannot write" nor a bare SQLite message.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLab, errorBody } from '../../../src-main/lab/index'
import { openStore } from '../../../src-main/store/index'
import { seedRuns, tempDir } from './helpers'

let dir: string
let cleanup: () => void
let dbPath: string
beforeEach(() => {
  ;({ dir, cleanup } = tempDir())
  dbPath = join(dir, 'lab.db')
})
afterEach(() => cleanup())

/** Fills the root page of a table or index with garbage, as a torn write or a bad sector would. */
function damage(name: string): void {
  const db = new Database(dbPath)
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(name) as {
    rootpage: number
  }
  const pageSize = db.pragma('page_size', { simple: true }) as number
  db.close()
  const fd = openSync(dbPath, 'r+')
  writeSync(fd, Buffer.alloc(pageSize, 0x41), 0, pageSize, (rootpage - 1) * pageSize)
  closeSync(fd)
}

function seeded(): void {
  const store = openStore(dbPath)
  seedRuns(store, 3)
  store.close()
}

const RECOVERY = /lab\.db is damaged.*sqlite3 '.*lab\.db' \.recover \| sqlite3 '.*lab-recovered\.db'.*or restore a backup/

describe('a damaged database', () => {
  it('is refused at open, naming the file and how to recover it', async () => {
    seeded()
    damage('experiments')
    const error = await createLab({ dataDir: dir }).then(
      () => null,
      (err: unknown) => err as Error,
    )
    expect(error?.message).toMatch(/^cannot open database .*lab\.db: the database file/)
    expect(error?.message).toMatch(RECOVERY)
  })

  it('too big to check at open: the first statement that meets it says so, not "cannot write"', async () => {
    seeded()
    damage('experiments')
    const lab = await createLab({ dataDir: dir, schedule: false, quickCheckMaxBytes: 0 })
    try {
      const answer = await lab.handle('experiments.list', {})
      expect(answer.ok).toBe(false)
      if (answer.ok) return
      expect(answer.error.code).toBe('unavailable')
      expect(answer.error.message).toMatch(RECOVERY)
      expect(answer.error.message).not.toMatch(/cannot write|can still show/)
    } finally {
      await lab.stop()
    }
  })

  it('met by start-up recovery in a lab that schedules: refused with the same sentence', async () => {
    seeded()
    damage('runs_status')
    const error = await createLab({ dataDir: dir, quickCheckMaxBytes: 0 }).then(
      () => null,
      (err: unknown) => err as Error,
    )
    expect(error?.message).toMatch(RECOVERY)
  })

  it('whose header is gone: not a database, or a damaged one to restore', async () => {
    seeded()
    const fd = openSync(dbPath, 'r+')
    writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0)
    closeSync(fd)
    const error = await createLab({ dataDir: dir }).then(
      () => null,
      (err: unknown) => err as Error,
    )
    expect(error?.message).toMatch(
      /lab\.db: file is not a database; if it is the lab's database, its header is damaged: restore a backup, or try `sqlite3 .*\.recover/,
    )
  })

  it('a disk that is full still reads as a write failure with reading possible', () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
    expect(errorBody(full, dbPath).message).toBe(
      'cannot write the database: the disk is full (or the database reached its size limit) (SQLITE_FULL); the lab can still show what is stored',
    )
  })
})
