/** Migration 0004_run_attempts (see index.ts): its SQL, applied once, never edited after release. */
export default `-- 0004_run_attempts: a run may be tried more than once (issue 17: remote workers, retried by the
-- queue when a worker dies). runs.attempt is the current attempt; metrics, results and log
-- lines are keyed by attempt, so a retried run's series never mixes two attempts. A run sent to
-- a queue names it (runs.queue) and the worker that holds it (runs.worker): a restarted lab
-- leaves such runs running and takes up their events. run_event_seq is the last event of each
-- (run, attempt) the lab has stored, written in the same transaction as the events, so an event
-- delivered again after a crash is stored exactly once.

ALTER TABLE runs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN queue TEXT;
ALTER TABLE runs ADD COLUMN worker TEXT;

CREATE TABLE metrics_by_attempt (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL DEFAULT 1,
  key     TEXT    NOT NULL,
  step    INTEGER NOT NULL,
  value   REAL,
  PRIMARY KEY (run_id, attempt, key, step)
) WITHOUT ROWID;
INSERT INTO metrics_by_attempt (run_id, attempt, key, step, value)
  SELECT run_id, 1, key, step, value FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_by_attempt RENAME TO metrics;

CREATE TABLE results_by_attempt (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL DEFAULT 1,
  key     TEXT    NOT NULL,
  value   REAL,
  PRIMARY KEY (run_id, attempt, key)
) WITHOUT ROWID;
INSERT INTO results_by_attempt (run_id, attempt, key, value)
  SELECT run_id, 1, key, value FROM results;
DROP TABLE results;
ALTER TABLE results_by_attempt RENAME TO results;
CREATE INDEX results_key ON results (key, value);

ALTER TABLE logs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;

CREATE TABLE run_event_seq (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  PRIMARY KEY (run_id, attempt)
) WITHOUT ROWID;
`
