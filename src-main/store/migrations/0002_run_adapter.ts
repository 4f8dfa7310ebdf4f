/** Migration 0002_run_adapter (see index.ts): its SQL, applied once, never edited after release. */
export default `-- 0002_run_adapter: the WebGPU adapter a run trained on, beside runs.backend (issue 15).
-- JSON {backend, vendor, architecture, device, description, software, maxBufferSize}; NULL for a
-- run on another backend and for every run of an older lab.

ALTER TABLE runs ADD COLUMN adapter TEXT CHECK (adapter IS NULL OR json_valid(adapter));
`
