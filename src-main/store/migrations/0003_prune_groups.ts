/** Migration 0003_prune_groups (see index.ts): its SQL, applied once, never edited after release. */
export default `-- 0003_prune_groups: the dependency groups of a pruning run (issue 16 item 8): every set of
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
