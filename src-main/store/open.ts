/**
 * Opens the lab's SQLite file with the settings DESIGN §5 asks for, turning the ways it can fail
 * into one line a user can act on (`cannot open database /x/y.db: directory does not exist`).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS, type Migration } from './migrations/index'
import { migrate, MigrationError } from './migrate'
import { damagedBy, damagedDatabase, isDamaged } from './storage-errors'

/**
 * Files up to this size (with their WAL) are checked with `PRAGMA quick_check` at open: about
 * 4–7 ms per MB here, so at most ~0.4 s. A bigger file is not read whole at every start; its
 * damage is named at the first statement that meets it (`errorBody`).
 */
export const QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024

/** A read-only database can be read only when its schema is exactly this lab's. */
function checkReadOnlySchema(db: Database.Database, path: string, migrations: readonly Migration[]): void {
  let applied: Set<number>
  try {
    const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]
    applied = new Set(rows.map((r) => r.version))
  } catch (err) {
    throw new DatabaseOpenError(
      path,
      `it is read-only and ${err instanceof Error ? err.message : String(err)}`,
    )
  }
  const pending = migrations.filter((m) => !applied.has(m.version)).map((m) => m.name)
  if (pending.length) {
    throw new MigrationError(
      pending.join(', '),
      `database ${path} is read-only and needs an upgrade (${pending.join(', ')}); make it writable once to upgrade it`,
    )
  }
  const known = new Set(migrations.map((m) => m.version))
  const newer = [...applied].filter((v) => !known.has(v))
  if (newer.length)
    throw new MigrationError(
      String(newer[0]),
      `the database was written by a newer Compression Lab (migration ${newer.join(', ')}); upgrade the lab to open it`,
    )
}

export interface OpenOptions {
  /** Path of better-sqlite3's native addon built for the current runtime (Electron). */
  nativeBinding?: string
  /** Migrations to apply; the lab's own by default (tests inject broken ones). */
  migrations?: readonly Migration[]
  /** Milliseconds a statement waits for a lock held by another connection. */
  busyTimeoutMs?: number
  /**
   * Open a database this process may not write (file or folder not writable) read-only instead
   * of refusing it. Only for a lab that does not schedule (`runs list`, `export`): every write
   * then fails with SQLITE_READONLY. A database that needs a migration cannot be opened so.
   */
  allowReadOnly?: boolean
  /** Run `PRAGMA quick_check` at open when the file and its WAL are at most this size. */
  quickCheckMaxBytes?: number
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

/** True when `path` exists and this process could open it but not write it (or its folder). */
function readOnlyOnly(path: string): boolean {
  return (
    existsSync(path) && !statSync(path).isDirectory() && (!writable(path) || !writable(dirname(path)))
  )
}

function fileBytes(path: string): number {
  let bytes = 0
  for (const file of [path, `${path}-wal`]) if (existsSync(file)) bytes += statSync(file).size
  return bytes
}

/** Refuses a damaged file that is small enough to check whole; `ok` costs one pass over it. */
function quickCheck(db: Database.Database, path: string, maxBytes: number): void {
  if (path === ':memory:' || fileBytes(path) > maxBytes) return
  const [first] = db.pragma('quick_check(1)', { simple: false }) as { quick_check: string }[]
  if (first && first.quick_check !== 'ok') {
    const detail = first.quick_check.replace(/^\*\*\* in database \w+ \*\*\*\s*/, '')
    throw new DatabaseOpenError(path, damagedDatabase(path, detail))
  }
}

/** One line for anything that failed while opening: a damaged file says how to recover it. */
function openFailure(path: string, err: unknown): DatabaseOpenError {
  if (err instanceof DatabaseOpenError) return err
  if (isDamaged(err)) return new DatabaseOpenError(path, damagedBy(path, err))
  return new DatabaseOpenError(path, err instanceof Error ? err.message : String(err))
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
  const readonly = path !== ':memory:' && options.allowReadOnly === true && readOnlyOnly(path)
  if (path !== ':memory:' && !readonly) precheck(path)
  let db: Database.Database
  try {
    db = new Database(path, {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(readonly ? { readonly: true, fileMustExist: true } : {}),
    })
  } catch (err) {
    throw new DatabaseOpenError(path, err instanceof Error ? err.message : String(err))
  }
  try {
    try {
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`)
      if (!readonly) {
        db.pragma('journal_mode = WAL')
        db.pragma('synchronous = NORMAL')
      }
      db.pragma('foreign_keys = ON')
      quickCheck(db, path, options.quickCheckMaxBytes ?? QUICK_CHECK_MAX_BYTES)
    } catch (err) {
      // e.g. `file is not a database` surfaces at the first statement, not at open.
      throw openFailure(path, err)
    }
    if (readonly) checkReadOnlySchema(db, path, options.migrations ?? MIGRATIONS)
    else migrate(db, options.migrations ?? MIGRATIONS)
    return db
  } catch (err) {
    db.close()
    throw isDamaged(err) ? openFailure(path, err) : err
  }
}
