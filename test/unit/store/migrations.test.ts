import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { MigrationError, migrate } from '../../../src-main/store/migrate'
import { MIGRATIONS, type Migration } from '../../../src-main/store/migrations/index'
import { DatabaseOpenError, openDatabase } from '../../../src-main/store/open'
import { openStore } from '../../../src-main/store/index'
import { tempDir } from './helpers'

const dirs: { cleanup(): void }[] = []
afterEach(() => {
  while (dirs.length) dirs.pop()?.cleanup()
})
function temp(): string {
  const t = tempDir()
  dirs.push(t)
  return t.dir
}

function tableNames(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  ).map((r) => r.name)
}

describe('migrations', () => {
  it('lists every NNNN_name.ts module beside index.ts once, in order, under its own number', () => {
    const dir = fileURLToPath(new URL('../../../src-main/store/migrations/', import.meta.url))
    const files = readdirSync(dir)
      .map((f) => /^(\d{4})_([a-z0-9_]+)\.ts$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
    expect(files.length).toBeGreaterThan(0)
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files.map((f) => `${f[1]}_${f[2]}`))
    expect(MIGRATIONS.map((m) => m.version)).toEqual(files.map((_, i) => i + 1))
    for (const m of MIGRATIONS) {
      expect(m.name.startsWith(`${String(m.version).padStart(4, '0')}_`)).toBe(true)
      expect(m.sql.startsWith(`-- ${m.name}: `)).toBe(true)
    }
  })

  it('released migrations keep their exact text (databases already upgraded recorded them)', () => {
    const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
    const released: Record<string, string> = {
      '0001_init': '13441a1064e9aff3ab3efd632a94e26cd6ccf5ef37a3ac3639322c77900fc33a',
      '0002_run_adapter': '81e5b897f455844263f6ee855b1e2c5334cdf46acf718ae1be7bb8ea292c6bd2',
      '0003_prune_groups': 'fae563deb9a58e8335d8812ebe3d18479314d3ac6c6b2248fd5f52e703474402',
      '0004_run_attempts': 'd43345ff1494ea739ee1383c6817b10ae545a37855f3163dc0d270422ccf251d',
      '0005_saved_views': 'a64e5fc62474c28adfee1970c773854f8e818a2152d4dd4be0f275c6057cf66b',
    }
    for (const m of MIGRATIONS) {
      if (m.name in released) expect([m.name, sha256(m.sql)]).toEqual([m.name, released[m.name]])
    }
  })

  it('applies every migration once and records it', () => {
    const path = join(temp(), 'lab.db')
    const db = openDatabase(path)
    const recorded = db
      .prepare('SELECT version, name, applied_at FROM schema_migrations')
      .all() as { version: number; name: string; applied_at: string }[]
    expect(recorded.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name))
    expect(recorded[0].applied_at).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(tableNames(db)).toEqual(
      expect.arrayContaining([
        'experiments',
        'runs',
        'metrics',
        'results',
        'layers',
        'artifacts',
        'tags',
        'notes',
        'logs',
        'schema_migrations',
      ]),
    )
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    db.close()
    // Reopening applies nothing again.
    const again = new Database(path)
    expect(migrate(again, MIGRATIONS)).toEqual([])
    expect(
      (again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n,
    ).toBe(MIGRATIONS.length)
    again.close()
  })

  it('a failing migration rolls back completely and stops start-up with an error naming it', () => {
    const path = join(temp(), 'lab.db')
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: 900,
        name: '0900_broken',
        // The first statement succeeds, the second fails: the table must not survive.
        sql: 'CREATE TABLE half_done (x INTEGER);\nALTER TABLE no_such_table ADD COLUMN y TEXT;',
      },
      { version: 901, name: '0901_after', sql: 'CREATE TABLE after_broken (x INTEGER);' },
    ]
    let error: unknown
    try {
      openDatabase(path, { migrations: broken })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(MigrationError)
    expect((error as Error).message).toMatch(
      /^database migration 0900_broken failed: no such table: no_such_table/,
    )
    expect((error as MigrationError).migration).toBe('0900_broken')
    // The good migrations before it were kept; the broken one and those after it were not applied.
    const db = new Database(path)
    const names = (
      db.prepare('SELECT name FROM schema_migrations ORDER BY version').all() as { name: string }[]
    ).map((r) => r.name)
    expect(names).toEqual(MIGRATIONS.map((m) => m.name))
    expect(tableNames(db)).not.toContain('half_done')
    expect(tableNames(db)).not.toContain('after_broken')
    db.close()
    // openStore surfaces the same error: the lab does not start.
    expect(() => openStore(path, { migrations: broken })).toThrow(/migration 0900_broken failed/)
  })

  it('refuses a database written by a newer lab', () => {
    const path = join(temp(), 'lab.db')
    openDatabase(path, {
      migrations: [
        ...MIGRATIONS,
        { version: 999, name: '0999_future', sql: 'CREATE TABLE future (x INTEGER);' },
      ],
    }).close()
    expect(() => openDatabase(path)).toThrow(/newer Compression Lab \(migration 0999_future\)/)
  })
})

describe('opening the database', () => {
  it('says in one line when the directory does not exist', () => {
    const path = join(temp(), 'missing', 'deeper', 'lab.db')
    expect(() => openDatabase(path)).toThrow(DatabaseOpenError)
    expect(() => openDatabase(path)).toThrow(
      `cannot open database ${path}: directory does not exist`,
    )
    expect(existsSync(join(temp(), 'missing'))).toBe(false)
  })

  it('says so when the path is a directory or not a database', () => {
    const dir = temp()
    expect(() => openDatabase(dir)).toThrow(`cannot open database ${dir}: it is a directory`)
    const notDb = join(dir, 'notes.txt')
    writeFileSync(notDb, 'hello, this is not SQLite '.repeat(100))
    expect(() => openDatabase(notDb)).toThrow(
      `cannot open database ${notDb}: file is not a database`,
    )
  })

  it('says permission denied for a directory it cannot write in', () => {
    const dir = temp()
    chmodSync(dir, 0o755)
    const readOnly = join(dir, 'read-only')
    mkdirSync(readOnly, { mode: 0o555 })
    const path = join(readOnly, 'lab.db')
    const expected = `cannot open database ${path}: permission denied (cannot write in ${readOnly})`
    if (process.getuid?.() !== 0) {
      expect(() => openDatabase(path)).toThrow(expected)
      return
    }
    // Root may write anywhere: check as the unprivileged user `nobody` in a child process.
    const openModule = fileURLToPath(new URL('../../../src-main/store/open.ts', import.meta.url))
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
    const code = `const { openDatabase } = await import(${JSON.stringify(openModule)})
try { openDatabase(${JSON.stringify(path)}); console.log('opened') } catch (e) { console.log(e.message) }`
    const child = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', code], {
      uid: 65534,
      gid: 65534,
      cwd: tmpdir(),
      encoding: 'utf8',
    })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe(expected)
  })
})
