/** Saved views (migration 0005): named pages of an experiment, each with its address query. */
import type Database from 'better-sqlite3'
import type { SavedView, SavedViewPage } from '../../src-shared/contract'

interface SavedViewRow {
  id: number
  experiment_id: number
  name: string
  page: SavedViewPage
  query: string
  created_at: string
  updated_at: string
}

export interface SavedViewsRepo {
  /** The experiment's views by name. */
  list(experimentId: number): SavedView[]
  /** Inserts the view, or replaces the one of that name (in any case) in the experiment, keeping its id. */
  save(view: { experimentId: number; name: string; page: SavedViewPage; query: Record<string, string> }): SavedView
  /** False when there was no such view. */
  delete(id: number): boolean
}

const toView = (r: SavedViewRow): SavedView => ({
  id: r.id,
  experimentId: r.experiment_id,
  name: r.name,
  page: r.page,
  query: JSON.parse(r.query) as Record<string, string>,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

/** Prepares the saved-views statements once for this connection. */
export function savedViewsRepo(db: Database.Database): SavedViewsRepo {
  const list = db.prepare('SELECT * FROM saved_views WHERE experiment_id = ? ORDER BY name COLLATE NOCASE, id')
  const upsert = db.prepare(`INSERT INTO saved_views (experiment_id, name, page, query, created_at, updated_at)
    VALUES (@experimentId, @name, @page, @query, @at, @at)
    ON CONFLICT (experiment_id, name) DO UPDATE SET name = excluded.name, page = excluded.page, query = excluded.query, updated_at = excluded.updated_at
    RETURNING *`)
  const remove = db.prepare('DELETE FROM saved_views WHERE id = ?')
  return {
    list: (experimentId) => (list.all(experimentId) as SavedViewRow[]).map(toView),
    save: (v) => toView(upsert.get({ ...v, query: JSON.stringify(v.query), at: new Date().toISOString() }) as SavedViewRow),
    delete: (id) => remove.run(id).changes === 1,
  }
}
