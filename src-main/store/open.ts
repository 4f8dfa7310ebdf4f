/**
 * Opens the lab's SQLite file with the settings DESIGN §5 asks for, turning the ways it can fail
 * into one line a user can act on (`cannot open database /x/y.db: directory does not exist`).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS, type Migration } from './migrations/index'
import { migrate } from './migrate'

export interface OpenOptions {
  /** Path of better-sqlite3's native addon built for the current runtime (Electron). */
  nativeBinding?: string
  /** Migrations to apply; the lab's own by default (tests inject broken ones). */
  migrations?: readonly Migration[]
  /** Milliseconds a statement waits for a lock held by another connection. */
  busyTimeoutMs?: number
}

/** A database that could not be opened; the message is one line naming the file and the cause. */
export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot open database ${path}: ${reason}`)
    this.name = 'DatabaseOpenError'
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** Checks the path before SQLite does, so the error says what is wrong rather than `SQLITE_CANTOPEN`. */
function precheck(path: string): void {
  const dir = dirname(path)
  if (!existsSync(dir)) throw new DatabaseOpenError(path, 'directory does not exist')
  if (!statSync(dir).isDirectory()) throw new DatabaseOpenError(path, `${dir} is not a directory`)
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new DatabaseOpenError(path, 'it is a directory')
    // SQLite would silently fall back to read-only and fail at the first write instead.
    if (!writable(path))
      throw new DatabaseOpenError(path, 'permission denied (the file is not writable)')
  }
  // The directory must be writable for the file itself and for the -wal/-shm files of WAL mode.
  if (!writable(dir))
    throw new DatabaseOpenError(path, `permission denied (cannot write in ${dir})`)
}

/**
 * Opens (creating if needed) and migrates the database: WAL journal, foreign keys on, a busy
 * timeout. Throws `DatabaseOpenError` or `MigrationError`; never returns a half-migrated handle.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  const path = file === ':memory:' ? file : resolve(file)
  if (path !== ':memory:') precheck(path)
  let db: Database.Database
  try {
    db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {})
  } catch (err) {
    throw new DatabaseOpenError(path, err instanceof Error ? err.message : String(err))
  }
  try {
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
    } catch (err) {
      // e.g. `file is not a database` surfaces at the first statement, not at open.
      throw new DatabaseOpenError(path, err instanceof Error ? err.message : String(err))
    }
    migrate(db, options.migrations ?? MIGRATIONS)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}
