/**
 * Errors that say the database file cannot be written at all (disk full, read-only file or file
 * system, I/O error), as opposed to a statement SQLite refused for its data (a constraint). The
 * scheduler fails a run whose events cannot be stored, and the Lab answers such a failure with a
 * sentence a user can act on instead of SQLite's `database or disk is full`.
 */

/** SQLite's primary result codes (better-sqlite3 reports extended ones, e.g. SQLITE_IOERR_WRITE). */
const STORAGE_CODES: readonly { prefix: string; what: string }[] = [
  { prefix: 'SQLITE_FULL', what: 'the disk is full (or the database reached its size limit)' },
  { prefix: 'SQLITE_READONLY', what: 'the database file is read-only' },
  { prefix: 'SQLITE_IOERR', what: 'the disk refused a write (I/O error)' },
  { prefix: 'SQLITE_CANTOPEN', what: 'the database file can no longer be opened' },
  { prefix: 'SQLITE_CORRUPT', what: 'the database file is damaged' },
  { prefix: 'SQLITE_NOTADB', what: 'the database file is damaged' },
]

/** The SQLite result code of an error thrown by better-sqlite3, if it is one. */
export function sqliteCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null
}

/**
 * For an error meaning "nothing more can be written to this database", a one-line reason such as
 * `cannot write the database: the disk is full (or …) (SQLITE_FULL)`; null for any other error.
 */
export function storageFailure(err: unknown): string | null {
  const code = sqliteCode(err)
  if (!code) return null
  const match = STORAGE_CODES.find((c) => code === c.prefix || code.startsWith(`${c.prefix}_`))
  return match ? `cannot write the database: ${match.what} (${code})` : null
}

/**
 * True for an error meaning "another connection holds the lock": SQLITE_BUSY (another process's
 * write lock, e.g. an `sqlite3` shell inside a transaction) or SQLITE_LOCKED. Unlike a storage
 * failure this passes: what was refused is kept and written again later.
 */
export function isLocked(err: unknown): boolean {
  const code = sqliteCode(err)
  return code !== null && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code)
}

/** What a user is told when a write waited too long for another program's lock. */
export const LOCKED_BY_ANOTHER_PROGRAM =
  'the database is locked by another program (an sqlite3 shell or a DB browser inside a transaction, a backup)'
