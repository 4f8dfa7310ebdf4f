/** Migration 0005_saved_views (see index.ts): its SQL, applied once, never edited after release. */
export default `-- 0005_saved_views: named views of an experiment (issue 18 item 11). A view is a page of the
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
