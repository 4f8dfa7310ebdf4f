/** The metrics repository: time series of a run (`train.loss` per epoch, …). */
import type Database from 'better-sqlite3'
import type { MetricPoint, MetricSeries } from '../../src-shared/types'

export interface MetricsRepo {
  /** Writes points; a point re-sent for the same (key, step) replaces the old value. */
  add(runId: number, points: readonly MetricPoint[]): void
  /** Every series of a run's current attempt (or of `attempt`; only `keys`), each sorted by step. */
  series(runId: number, keys?: readonly string[], attempt?: number): MetricSeries[]
  count(runId: number): number
}

/** Points per multi-row INSERT (5 parameters each; SQLite allows 32,766 per statement). */
const ROWS_PER_STATEMENT = 200

/** Prepares the metrics statements once for this connection. */
export function metricsRepo(db: Database.Database): MetricsRepo {
  // Points belong to the run's current attempt (migration 0004): a retried run's series never mix.
  const insertRows = (n: number): Database.Statement =>
    db.prepare(`INSERT OR REPLACE INTO metrics (run_id, attempt, key, step, value) VALUES ${Array(n).fill('(?, ?, ?, ?, ?)').join(', ')}`)
  const insert = insertRows(1)
  // Many points per statement: a stream of points (a remote worker's) costs a fraction per point.
  const insertMany = insertRows(ROWS_PER_STATEMENT)
  const current = db.prepare('SELECT attempt FROM runs WHERE id = ?').pluck()
  const all = db.prepare(
    'SELECT key, step, value FROM metrics WHERE run_id = ? AND attempt = ? ORDER BY key, step',
  )
  const some = db.prepare(
    'SELECT key, step, value FROM metrics WHERE run_id = ? AND attempt = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY key, step',
  )
  const count = db.prepare(
    'SELECT count(*) AS n FROM metrics WHERE run_id = ? AND attempt = (SELECT attempt FROM runs WHERE id = ?)',
  )
  const attemptOf = (runId: number): number => (current.get(runId) as number | undefined) ?? 1
  const addMany = db.transaction((runId: number, points: readonly MetricPoint[]) => {
    const attempt = attemptOf(runId)
    const row = (p: MetricPoint): unknown[] => [runId, attempt, p.key, Math.round(p.step), Number.isFinite(p.value) ? p.value : null]
    // A point without a key or a step cannot be placed on a chart: skip it, keep the others.
    const placed = points.filter((p) => typeof p.key === 'string' && p.key !== '' && Number.isFinite(p.step))
    let i = 0
    // Points are written in order, so a point sent twice in one batch keeps its last value.
    for (; i + ROWS_PER_STATEMENT <= placed.length; i += ROWS_PER_STATEMENT)
      insertMany.run(placed.slice(i, i + ROWS_PER_STATEMENT).flatMap(row))
    for (; i < placed.length; i++) insert.run(row(placed[i]))
  })

  return {
    add(runId, points) {
      if (points.length) addMany(runId, points)
    },
    series(runId, keys, attempt = attemptOf(runId)) {
      const rows = (
        keys ? some.all(runId, attempt, JSON.stringify(keys)) : all.all(runId, attempt)
      ) as {
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
      return (count.get(runId, runId) as { n: number }).n
    },
  }
}
