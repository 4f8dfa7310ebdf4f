/**
 * A digest of every table of a lab database, to prove that a series of requests changed nothing.
 * Read through a connection of its own, so what it sees is what is committed.
 */
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'

/** Table name → sha256 of its rows in a fixed order (every column, sorted by all of them). */
export function databaseDigest(dbPath: string): Record<string, string> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    const tables = (
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .all() as { name: string }[]
    ).map((t) => t.name)
    const out: Record<string, string> = {}
    for (const table of tables) {
      const columns = (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map(
        (c) => `"${c.name}"`,
      )
      const hash = createHash('sha256')
      const rows = db.prepare(`SELECT ${columns.join(', ')} FROM "${table}" ORDER BY ${columns.join(', ')}`).raw().all()
      for (const row of rows) hash.update(JSON.stringify(row)).update('\n')
      out[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`
    }
    return out
  } finally {
    db.close()
  }
}

/** `PRAGMA integrity_check` of a database file, read-only: `ok` or what is damaged. */
export function integrityCheck(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true })
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
  } finally {
    db.close()
  }
}
