/** What a run produces besides metrics: final results, artifacts, per-layer reports and logs. */
import type Database from 'better-sqlite3'
import type { Artifact } from '../../src-shared/types'
import type { LayerReport } from '../../src-shared/types'

export type { LayerReport }

export type LayerPhase = 'before' | 'after'

export interface LogLine {
  at: string
  level: 'info' | 'warn' | 'error'
  message: string
}

export interface RunOutputsRepo {
  setResults(runId: number, results: Record<string, number>): void
  /** Results of several runs at once: run id → key → value. */
  resultsFor(runIds: readonly number[]): Map<number, Record<string, number>>
  addArtifact(
    runId: number,
    a: { kind: string; path: string; bytes: number; sha256: string },
    at?: string,
  ): number
  artifacts(runId: number): Artifact[]
  /** The run's saved model (`model.json` in TF.js layers format), if it has one. */
  modelArtifact(runId: number): Artifact | undefined
  /** Replaces the layer report of one phase. */
  setLayers(runId: number, phase: LayerPhase, layers: readonly LayerReport[]): void
  layers(runId: number): { phase: LayerPhase; layers: LayerReport[] }[]
  addLog(runId: number, line: LogLine): void
  /** The last `limit` log lines of a run's current attempt (or of `attempt`), oldest first. */
  logs(runId: number, limit?: number, attempt?: number): LogLine[]
}

interface ArtifactRow {
  id: number
  run_id: number
  kind: string
  path: string
  bytes: number
  sha256: string
  created_at: string
}

function toArtifact(r: ArtifactRow): Artifact {
  return {
    id: r.id,
    runId: r.run_id,
    kind: r.kind,
    path: r.path,
    bytes: r.bytes,
    sha256: r.sha256,
    createdAt: r.created_at,
  }
}

/** Prepares the statements once for this connection. */
export function runOutputsRepo(db: Database.Database): RunOutputsRepo {
  // Results and log lines belong to the run's current attempt (migration 0004).
  const setResult = db.prepare(
    'INSERT OR REPLACE INTO results (run_id, attempt, key, value) VALUES (?, (SELECT attempt FROM runs WHERE id = ?), ?, ?)',
  )
  const resultsFor = db.prepare(
    'SELECT s.run_id, s.key, s.value FROM results s JOIN runs r ON r.id = s.run_id AND r.attempt = s.attempt WHERE s.run_id IN (SELECT value FROM json_each(?)) ORDER BY s.run_id, s.key',
  )
  const addArtifact = db.prepare(
    'INSERT INTO artifacts (run_id, kind, path, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const artifacts = db.prepare('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id')
  // A saved model is several files (model.json + weights); the topology file is what loads it.
  const model = db.prepare(
    "SELECT * FROM artifacts WHERE run_id = ? AND path LIKE '%model.json' ORDER BY id DESC LIMIT 1",
  )
  const clearLayers = db.prepare('DELETE FROM layers WHERE run_id = ? AND phase = ?')
  const addLayer = db.prepare(
    'INSERT INTO layers (run_id, phase, position, name, kind, units, params, macs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const layers = db.prepare(
    'SELECT phase, name, kind, units, params, macs FROM layers WHERE run_id = ? ORDER BY phase DESC, position',
  )
  const addLog = db.prepare(
    'INSERT INTO logs (run_id, attempt, at, level, message) VALUES (?, (SELECT attempt FROM runs WHERE id = ?), ?, ?, ?)',
  )
  const logs = db.prepare(
    'SELECT at, level, message FROM (SELECT id, at, level, message FROM logs WHERE run_id = ? AND attempt = coalesce(?, (SELECT attempt FROM runs WHERE id = ?)) ORDER BY id DESC LIMIT ?) ORDER BY id',
  )

  const setResults = db.transaction((runId: number, results: Record<string, number>) => {
    for (const [key, value] of Object.entries(results))
      setResult.run(runId, runId, key, Number.isFinite(value) ? value : null)
  })
  const setLayers = db.transaction(
    (runId: number, phase: LayerPhase, list: readonly LayerReport[]) => {
      clearLayers.run(runId, phase)
      list.forEach((l, i) =>
        addLayer.run(runId, phase, i, l.name, l.kind, l.units, l.params, l.macs),
      )
    },
  )

  return {
    setResults(runId, results) {
      setResults(runId, results)
    },
    resultsFor(runIds) {
      const out = new Map<number, Record<string, number>>()
      for (const id of runIds) out.set(id, {})
      for (const r of resultsFor.all(JSON.stringify(runIds)) as {
        run_id: number
        key: string
        value: number | null
      }[]) {
        const entry = out.get(r.run_id)
        if (entry) entry[r.key] = r.value ?? Number.NaN
      }
      return out
    },
    addArtifact(runId, a, at = new Date().toISOString()) {
      return Number(addArtifact.run(runId, a.kind, a.path, a.bytes, a.sha256, at).lastInsertRowid)
    },
    artifacts(runId) {
      return (artifacts.all(runId) as ArtifactRow[]).map(toArtifact)
    },
    modelArtifact(runId) {
      const row = model.get(runId) as ArtifactRow | undefined
      return row ? toArtifact(row) : undefined
    },
    setLayers(runId, phase, list) {
      setLayers(runId, phase, list)
    },
    layers(runId) {
      const out: { phase: LayerPhase; layers: LayerReport[] }[] = []
      for (const r of layers.all(runId) as (LayerReport & { phase: LayerPhase })[]) {
        let group = out.find((g) => g.phase === r.phase)
        if (!group) {
          group = { phase: r.phase, layers: [] }
          out.push(group)
        }
        group.layers.push({
          name: r.name,
          kind: r.kind,
          units: r.units,
          params: r.params,
          macs: r.macs,
        })
      }
      return out
    },
    addLog(runId, line) {
      addLog.run(runId, runId, line.at, line.level, line.message)
    },
    logs(runId, limit = 1000, attempt) {
      return logs.all(runId, attempt ?? null, runId, limit) as LogLine[]
    },
  }
}
