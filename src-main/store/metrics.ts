/** The metrics repository: time series of a run (`train.loss` per epoch, …). */
import type Database from 'better-sqlite3'
import type { MetricPoint, MetricSeries } from '../../src-shared/types'

export interface MetricsRepo {
  /** Writes points; a point re-sent for the same (key, step) replaces the old value. */
  add(runId: number, points: readonly MetricPoint[]): void
  /** Every series of a run (or only `keys`), each sorted by step. */
  series(runId: number, keys?: readonly string[]): MetricSeries[]
  count(runId: number): number
}

/** Prepares the metrics statements once for this connection. */
export function metricsRepo(db: Database.Database): MetricsRepo {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)',
  )
  const all = db.prepare('SELECT key, step, value FROM metrics WHERE run_id = ? ORDER BY key, step')
  const some = db.prepare(
    'SELECT key, step, value FROM metrics WHERE run_id = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY key, step',
  )
  const count = db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?')
  const addMany = db.transaction((runId: number, points: readonly MetricPoint[]) => {
    for (const p of points) {
      // A point without a key or a step cannot be placed on a chart: skip it, keep the others.
      if (typeof p.key !== 'string' || p.key === '' || !Number.isFinite(p.step)) continue
      insert.run(runId, p.key, Math.round(p.step), Number.isFinite(p.value) ? p.value : null)
    }
  })

  return {
    add(runId, points) {
      if (points.length) addMany(runId, points)
    },
    series(runId, keys) {
      const rows = (keys ? some.all(runId, JSON.stringify(keys)) : all.all(runId)) as {
        key: string
        step: number
        value: number | null
      }[]
      const out = new Map<string, MetricSeries>()
      for (const r of rows) {
        let s = out.get(r.key)
        if (!s) {
          s = { key: r.key, points: [] }
          out.set(r.key, s)
        }
        // A NaN/Infinity (divergence) is stored as NULL and read back as NaN.
        s.points.push({ step: r.step, value: r.value ?? Number.NaN })
      }
      return [...out.values()]
    },
    count(runId) {
      return (count.get(runId) as { n: number }).n
    },
  }
}
