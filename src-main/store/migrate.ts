/**
 * Applies numbered schema migrations (DESIGN §5): each one in its own transaction, recorded in
 * `schema_migrations`; a failure rolls that migration back and stops start-up with an error that
 * names it. Nothing is logged-and-skipped.
 */
import type Database from 'better-sqlite3'
import type { Migration } from './migrations/index'

/** Thrown when a migration cannot be applied; start-up must stop. */
export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    message: string,
  ) {
    super(message)
    this.name = 'MigrationError'
  }
}

/** Versions already recorded in the database, creating the bookkeeping table if needed. */
export function appliedVersions(db: Database.Database): Map<number, string> {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
    version: number
    name: string
  }[]
  return new Map(rows.map((r) => [r.version, r.name]))
}

/**
 * Brings the schema up to date. Returns the names of the migrations it applied (empty when the
 * database was current). Throws `MigrationError` on the first failure, after rolling it back.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[]): string[] {
  const sorted = [...migrations].sort((a, b) => a.version - b.version)
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].version === sorted[i - 1].version) {
      throw new MigrationError(
        sorted[i].name,
        `two migrations have version ${sorted[i].version}: ${sorted[i - 1].name}, ${sorted[i].name}`,
      )
    }
  }
  const applied = appliedVersions(db)
  const known = new Set(sorted.map((m) => m.version))
  const newer = [...applied.entries()].filter(([v]) => !known.has(v))
  if (newer.length && Math.max(...newer.map(([v]) => v)) > Math.max(0, ...known)) {
    const names = newer.map(([, n]) => n).join(', ')
    throw new MigrationError(
      names,
      `the database was written by a newer Compression Lab (migration ${names}); upgrade the lab to open it`,
    )
  }
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  )
  const done: string[] = []
  for (const m of sorted) {
    if (applied.has(m.version)) continue
    const apply = db.transaction(() => {
      db.exec(m.sql)
      record.run(m.version, m.name, new Date().toISOString())
    })
    try {
      apply()
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err)
      throw new MigrationError(
        m.name,
        `database migration ${m.name} failed: ${reason} (nothing of it was applied; the lab cannot start)`,
      )
    }
    done.push(m.name)
  }
  return done
}
