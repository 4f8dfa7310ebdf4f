/**
 * The schema migrations, in order (DESIGN §5).
 *
 * Each migration is one module beside this one, `NNNN_name.ts`, whose default export is its SQL
 * text: the one copy, what a reviewer reads and what runs. A TypeScript string works the same
 * three ways the lab runs: from source under tsx/vitest, bundled by electron-vite into `out/main`,
 * and as the CLI (reading `.sql` files at run time would need the bundle to copy them, and `?raw`
 * imports work only under Vite). A released migration's text is never edited: databases already
 * upgraded recorded it as applied. `test/unit/store/migrations.test.ts` checks that every
 * `NNNN_name.ts` file is listed here once, in order, under its own number and name. To add a
 * migration: write `NNNN_name.ts`, then import and append it here.
 */
import m0001_init from './0001_init'
import m0002_run_adapter from './0002_run_adapter'
import m0003_prune_groups from './0003_prune_groups'
import m0004_run_attempts from './0004_run_attempts'
import m0005_saved_views from './0005_saved_views'

export interface Migration {
  /** The number in the file name; applied in increasing order, recorded in schema_migrations. */
  version: number
  /** The file name without its extension, e.g. `0001_init`. */
  name: string
  sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_init', sql: m0001_init },
  { version: 2, name: '0002_run_adapter', sql: m0002_run_adapter },
  { version: 3, name: '0003_prune_groups', sql: m0003_prune_groups },
  { version: 4, name: '0004_run_attempts', sql: m0004_run_attempts },
  { version: 5, name: '0005_saved_views', sql: m0005_saved_views },
]
