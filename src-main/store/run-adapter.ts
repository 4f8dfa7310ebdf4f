/**
 * The WebGPU adapter a run trained on (runs.adapter, migration 0002): written with the backend the
 * worker reports, read back for the run's detail. NULL for a run on another backend.
 */
import type Database from 'better-sqlite3'
import type { WebGpuAdapter } from '../../src-shared/types'

export interface RunAdapters {
  setAdapter(id: number, adapter: WebGpuAdapter | null): void
  adapter(id: number): WebGpuAdapter | null
}

/** Prepares the adapter statements once for this connection. */
export function runAdapters(db: Database.Database): RunAdapters {
  const set = db.prepare('UPDATE runs SET adapter = ? WHERE id = ?')
  const get = db.prepare('SELECT adapter FROM runs WHERE id = ?')
  return {
    setAdapter(id, adapter) {
      set.run(adapter ? JSON.stringify(adapter) : null, id)
    },
    adapter(id) {
      const row = get.get(id) as { adapter: string | null } | undefined
      return row?.adapter ? (JSON.parse(row.adapter) as WebGpuAdapter) : null
    },
  }
}
