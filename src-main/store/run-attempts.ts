/**
 * A run's attempts and where it runs (migration 0004, issue 17): a run sent to a queue names it,
 * the remote worker that holds it, and its current attempt (a worker that died hands the run to
 * another as the next attempt). `run_event_seq` holds the last remote event of each (run,
 * attempt) the lab stored; it is written in the same transaction as the events, so an event the
 * queue delivers again after a crash is stored exactly once.
 */
import type Database from 'better-sqlite3'

/** One attempt of a run, as the run page lists it. */
export interface AttemptSummary {
  attempt: number
  metricPoints: number
  logLines: number
  results: number
}

export interface RunPlacement {
  attempt: number
  queue: string | null
  worker: string | null
}

export interface RunAttemptsRepo {
  /** The run's current attempt, its queue and worker (undefined: no such run). */
  placement(runId: number): RunPlacement | undefined
  /** The run is (to be) trained by a worker of `queue`. */
  sendToQueue(runId: number, queue: string): void
  /**
   * `worker` started `attempt` of the run: it becomes the current attempt unless a later one is.
   * True when the current attempt changed (a new attempt begins: its series start empty).
   */
  beginAttempt(runId: number, attempt: number, worker: string): boolean
  /** The last remote event stored for (run, attempt); 0 when none. */
  storedSeq(runId: number, attempt: number): number
  /** Records that events up to `seq` of (run, attempt) are stored (inside their transaction). */
  setStoredSeq(runId: number, attempt: number, seq: number): void
  /** Runs still `running` on a worker of `queue` (a restarted lab takes them up). */
  runningOn(queue: string): number[]
  /** Every attempt of a run that left something, oldest first. */
  attempts(runId: number): AttemptSummary[]
}

/** Prepares the statements once for this connection. */
export function runAttemptsRepo(db: Database.Database): RunAttemptsRepo {
  const placement = db.prepare('SELECT attempt, queue, worker FROM runs WHERE id = ?')
  const sendToQueue = db.prepare('UPDATE runs SET queue = ? WHERE id = ?')
  const begin = db.prepare(
    'UPDATE runs SET attempt = ?, worker = ?, progress = CASE WHEN attempt < ? THEN NULL ELSE progress END WHERE id = ? AND attempt <= ?',
  )
  const current = db.prepare('SELECT attempt FROM runs WHERE id = ?').pluck()
  const storedSeq = db.prepare('SELECT seq FROM run_event_seq WHERE run_id = ? AND attempt = ?').pluck()
  const setSeq = db.prepare(
    'INSERT INTO run_event_seq (run_id, attempt, seq) VALUES (?, ?, ?) ON CONFLICT (run_id, attempt) DO UPDATE SET seq = max(seq, excluded.seq)',
  )
  const runningOn = db
    .prepare("SELECT id FROM runs WHERE status = 'running' AND queue = ? ORDER BY id")
    .pluck()
  const attempts = db.prepare(`
    WITH a(attempt) AS (
      SELECT attempt FROM metrics WHERE run_id = @id UNION SELECT attempt FROM logs WHERE run_id = @id
      UNION SELECT attempt FROM results WHERE run_id = @id UNION SELECT attempt FROM runs WHERE id = @id)
    SELECT attempt,
      (SELECT count(*) FROM metrics m WHERE m.run_id = @id AND m.attempt = a.attempt) AS metricPoints,
      (SELECT count(*) FROM logs l WHERE l.run_id = @id AND l.attempt = a.attempt) AS logLines,
      (SELECT count(*) FROM results s WHERE s.run_id = @id AND s.attempt = a.attempt) AS results
    FROM a ORDER BY attempt`)

  return {
    placement(runId) {
      return placement.get(runId) as RunPlacement | undefined
    },
    sendToQueue(runId, queue) {
      sendToQueue.run(queue, runId)
    },
    beginAttempt(runId, attempt, worker) {
      const before = current.get(runId) as number | undefined
      begin.run(attempt, worker, attempt, runId, attempt)
      return before !== undefined && attempt > before
    },
    storedSeq(runId, attempt) {
      return (storedSeq.get(runId, attempt) as number | undefined) ?? 0
    },
    setStoredSeq(runId, attempt, seq) {
      setSeq.run(runId, attempt, seq)
    },
    runningOn(queue) {
      return runningOn.all(queue) as number[]
    },
    attempts(runId) {
      return attempts.all({ id: runId }) as AttemptSummary[]
    },
  }
}
