/** Migration 0001_init (see index.ts): its SQL, applied once, never edited after release. */
export default `-- 0001_init: the lab's first schema (DESIGN §5).
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
