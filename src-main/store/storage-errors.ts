/**
 * Errors that say the database file cannot be written at all (disk full, read-only file or file
 * system, I/O error) or is damaged, as opposed to a statement SQLite refused for its data (a
 * constraint). The scheduler fails a run whose events cannot be stored, and the Lab answers such a
 * failure with a sentence a user can act on instead of SQLite's `database or disk is full`.
 */

/** SQLite's primary result codes (better-sqlite3 reports extended ones, e.g. SQLITE_IOERR_WRITE). */
const STORAGE_CODES: readonly { prefix: string; what: string }[] = [
  { prefix: 'SQLITE_FULL', what: 'the disk is full (or the database reached its size limit)' },
  { prefix: 'SQLITE_READONLY', what: 'the database file is read-only' },
  { prefix: 'SQLITE_IOERR', what: 'the disk refused a write (I/O error)' },
  { prefix: 'SQLITE_CANTOPEN', what: 'the database file can no longer be opened' },
]

/** Codes that mean the file's pages are not a valid database: reading is as broken as writing. */
const DAMAGED_CODES: readonly string[] = ['SQLITE_CORRUPT', 'SQLITE_NOTADB']

function hasPrefix(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(`${prefix}_`)
}

/** The SQLite result code of an error thrown by better-sqlite3, if it is one. */
export function sqliteCode(err: unknown): string | null {
  if (typeof err !== 'object' || err === null) return null
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null
}

/** True for SQLite's "this file is damaged" errors (SQLITE_CORRUPT…, SQLITE_NOTADB). */
export function isDamaged(err: unknown): boolean {
  const code = sqliteCode(err)
  return code !== null && DAMAGED_CODES.some((p) => hasPrefix(code, p))
}

/**
 * What to tell a user whose database file is damaged: which file, and the two ways back (SQLite's
 * own `.recover`, which copies every row it can still read into a new file, or a backup). A file
 * whose header is not SQLite's may also be the wrong file (`--db notes.txt`).
 */
export function damagedDatabase(path: string, detail: string, notADatabase = false): string {
  const recovered = path.replace(/(\.[^./]*)?$/, '-recovered$1')
  const recover = `\`sqlite3 '${path}' .recover | sqlite3 '${recovered}'\``
  const shown = detail.replace(/\s+/g, ' ').trim()
  if (notADatabase)
    return (
      `${shown}; if it is the lab's database, its header is damaged: restore a backup, or try ` +
      `${recover} and open the recovered file (--db)`
    )
  return (
    `the database file ${path} is damaged (${shown}); stop the lab, then recover what it holds ` +
    `with ${recover} and open the recovered file (--db), or restore a backup`
  )
}

/** `damagedDatabase` for an error that `isDamaged`. */
export function damagedBy(path: string, err: unknown): string {
  const code = sqliteCode(err) ?? ''
  const detail = err instanceof Error ? err.message : String(err)
  return damagedDatabase(path, detail, hasPrefix(code, 'SQLITE_NOTADB'))
}

/**
 * For an error meaning "nothing more can be written to this database", a one-line reason such as
 * `cannot write the database: the disk is full (or …) (SQLITE_FULL)`; null for any other error.
 * A damaged file (`path` names it when known) gets `damagedDatabase`'s sentence instead.
 */
export function storageFailure(err: unknown, path?: string): string | null {
  const code = sqliteCode(err)
  if (!code) return null
  if (isDamaged(err)) return damagedBy(path ?? 'of this lab', err)
  const match = STORAGE_CODES.find((c) => hasPrefix(code, c.prefix))
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
