/** What a user adds to runs: tags and a note. */
import type Database from 'better-sqlite3'

export interface AnnotationsRepo {
  addTags(runId: number, tags: readonly string[]): void
  removeTag(runId: number, tag: string): void
  /** Tags of several runs at once, each list sorted. */
  tagsFor(runIds: readonly number[]): Map<number, string[]>
  /** Sets the run's note; an empty body removes it. */
  setNote(runId: number, body: string): void
  note(runId: number): string | null
}

/** Prepares the statements once for this connection. */
export function annotationsRepo(db: Database.Database): AnnotationsRepo {
  const addTag = db.prepare('INSERT OR IGNORE INTO tags (run_id, tag) VALUES (?, ?)')
  const removeTag = db.prepare('DELETE FROM tags WHERE run_id = ? AND tag = ?')
  const tagsFor = db.prepare(
    'SELECT run_id, tag FROM tags WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, tag',
  )
  const setNote = db.prepare(
    'INSERT INTO notes (run_id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
  )
  const deleteNote = db.prepare('DELETE FROM notes WHERE run_id = ?')
  const note = db.prepare('SELECT body FROM notes WHERE run_id = ?')
  const addTags = db.transaction((runId: number, tags: readonly string[]) => {
    for (const t of tags) addTag.run(runId, t)
  })

  return {
    addTags(runId, tags) {
      if (tags.length) addTags(runId, tags)
    },
    removeTag(runId, tag) {
      removeTag.run(runId, tag)
    },
    tagsFor(runIds) {
      const out = new Map<number, string[]>()
      for (const id of runIds) out.set(id, [])
      for (const r of tagsFor.all(JSON.stringify(runIds)) as { run_id: number; tag: string }[])
        out.get(r.run_id)?.push(r.tag)
      return out
    },
    setNote(runId, body) {
      if (body.trim() === '') deleteNote.run(runId)
      else setNote.run(runId, body, new Date().toISOString())
    },
    note(runId) {
      return (note.get(runId) as { body: string } | undefined)?.body ?? null
    },
  }
}
