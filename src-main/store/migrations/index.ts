/**
 * The schema migrations, in order (DESIGN §5).
 *
 * The numbered `.sql` files beside this module are the source of truth and what a reviewer reads.
 * Their text is also embedded here because the lab runs three ways: from source under tsx/vitest,
 * bundled by electron-vite into `out/main`, and as the CLI. Reading the files at run time would
 * need the bundle to copy them, and `?raw` imports work only under Vite; a string constant works
 * everywhere. `test/unit/store/migrations.test.ts` fails when a file and its copy here differ, or
 * when a file has no entry. To add a migration: write `NNNN_name.sql`, then append it here.
 */

export interface Migration {
  /** The number in the file name; applied in increasing order, recorded in schema_migrations. */
  version: number
  /** The file name without its extension, e.g. `0001_init`. */
  name: string
  sql: string
}

const m0001_init = `-- 0001_init: the lab's first schema (DESIGN §5).
-- Timestamps are ISO-8601 UTC strings with milliseconds, so they sort as text.

CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  description TEXT,
  spec        TEXT    NOT NULL CHECK (json_valid(spec)),
  created_at  TEXT    NOT NULL
);

CREATE TABLE runs (
  id             INTEGER PRIMARY KEY,
  experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  key            TEXT    NOT NULL,
  role           TEXT    NOT NULL,
  label          TEXT    NOT NULL,
  method         TEXT    NOT NULL,
  seed           INTEGER NOT NULL,
  status         TEXT    NOT NULL DEFAULT 'queued'
                 CHECK (status IN ('queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted')),
  -- Fully resolved parameters flattened to dotted keys, so any two runs can be diffed.
  params         TEXT    NOT NULL CHECK (json_valid(params)),
  -- The RunConfig handed to the worker.
  config         TEXT    NOT NULL CHECK (json_valid(config)),
  -- Ids of runs of the same launch that must finish first (JSON array).
  depends_on     TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(depends_on)),
  teacher_run_id INTEGER REFERENCES runs(id),
  parent_run_id  INTEGER REFERENCES runs(id),
  backend        TEXT,
  error          TEXT,
  progress       TEXT    CHECK (progress IS NULL OR json_valid(progress)),
  created_at     TEXT    NOT NULL,
  started_at     TEXT,
  finished_at    TEXT,
  heartbeat_at   TEXT,
  UNIQUE (experiment_id, key)
);
CREATE INDEX runs_status ON runs (status, id);
CREATE INDEX runs_experiment ON runs (experiment_id, id);
CREATE INDEX runs_teacher ON runs (teacher_run_id);

-- Time series: one point per (run, key, step); a re-sent point replaces the old one.
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT    NOT NULL,
  step   INTEGER NOT NULL,
  value  REAL,
  PRIMARY KEY (run_id, key, step)
) WITHOUT ROWID;

-- Final scalars of a run (test.accuracy, test.loss, params, …).
CREATE TABLE results (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT    NOT NULL,
  value  REAL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX results_key ON results (key, value);

-- Per-layer report before and after pruning.
CREATE TABLE layers (
  run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  phase    TEXT    NOT NULL CHECK (phase IN ('before', 'after')),
  position INTEGER NOT NULL,
  name     TEXT    NOT NULL,
  kind     TEXT    NOT NULL,
  units    INTEGER,
  params   INTEGER NOT NULL,
  macs     INTEGER NOT NULL,
  PRIMARY KEY (run_id, phase, position)
) WITHOUT ROWID;

CREATE TABLE artifacts (
  id         INTEGER PRIMARY KEY,
  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind       TEXT    NOT NULL,
  path       TEXT    NOT NULL,
  bytes      INTEGER NOT NULL,
  sha256     TEXT    NOT NULL,
  created_at TEXT    NOT NULL
);
CREATE INDEX artifacts_run ON artifacts (run_id, id);

CREATE TABLE tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag    TEXT    NOT NULL,
  PRIMARY KEY (run_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags (tag);

CREATE TABLE notes (
  run_id     INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  body       TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE logs (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  at      TEXT    NOT NULL,
  level   TEXT    NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message TEXT    NOT NULL
);
CREATE INDEX logs_run ON logs (run_id, id);
`

const m0002_run_adapter = `-- 0002_run_adapter: the WebGPU adapter a run trained on, beside runs.backend (issue 15).
-- JSON {backend, vendor, architecture, device, description, software, maxBufferSize}; NULL for a
-- run on another backend and for every run of an older lab.

ALTER TABLE runs ADD COLUMN adapter TEXT CHECK (adapter IS NULL OR json_valid(adapter));
`

const m0003_prune_groups = `-- 0003_prune_groups: the dependency groups of a pruning run (issue 16 item 8): every set of
-- channels removed together, its member layers, its channels before and after, and its score.

CREATE TABLE prune_groups (
  run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  name         TEXT    NOT NULL,
  members      TEXT    NOT NULL CHECK (json_valid(members)),
  units_before INTEGER NOT NULL,
  units_after  INTEGER NOT NULL,
  score        REAL,
  PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
`

const m0004_run_attempts = `-- 0004_run_attempts: a run may be tried more than once (issue 17: remote workers, retried by the
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

const m0005_saved_views = `-- 0005_saved_views: named views of an experiment (issue 18 item 11). A view is a page of the
-- window (runs or sweeps) with its address query (filter, pivot, columns, chart choices),
-- so opening it reopens the same table. Names are unique per experiment, in any case; the experiment's
-- deletion takes its views with it.

CREATE TABLE saved_views (
  id            INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  name          TEXT    NOT NULL COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 80),
  page          TEXT    NOT NULL CHECK (page IN ('runs', 'sweeps')),
  query         TEXT    NOT NULL CHECK (json_valid(query)),
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL,
  UNIQUE (experiment_id, name)
);
`

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '0001_init', sql: m0001_init },
  { version: 2, name: '0002_run_adapter', sql: m0002_run_adapter },
  { version: 3, name: '0003_prune_groups', sql: m0003_prune_groups },
  { version: 4, name: '0004_run_attempts', sql: m0004_run_attempts },
  { version: 5, name: '0005_saved_views', sql: m0005_saved_views },
]
