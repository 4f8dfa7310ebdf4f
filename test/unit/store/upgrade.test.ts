/**
 * Schema upgrades (DESIGN §5): a database written by an earlier lab opens in this one, migrates,
 * and reads back everything it held. The data below is written in the schema of migration 0001
 * (the first release) with plain SQL, as that lab wrote it; then every later migration is applied
 * by `openStore`, and the store's own reads must return the same runs, metrics, results, layers,
 * artifacts, tags, notes and logs. For every earlier migration set (0001, 0001–0002, …) the same
 * data is upgraded, so each new migration is covered as soon as it is added. A run left
 * `running` by the old lab is recovered as `interrupted` by the new one.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, expect, it } from 'vitest'
import { createLab } from '../../../src-main/lab/index'
import { migrate } from '../../../src-main/store/migrate'
import { MIGRATIONS } from '../../../src-main/store/migrations/index'
import { openStore } from '../../../src-main/store/index'
import { tempDir } from './helpers'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.()
})

const CONFIG = {
  dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 200 },
  model: { arch: 'mlp', hidden: [8], activation: 'relu', dropout: 0, inputDropout: 0 },
  training: { epochs: 1, batchSize: 64, optimizer: 'adam', learningRate: 0.001, momentum: 0.9, lrSchedule: 'constant', jitter: 0, validationFraction: 0, stopOnNaN: true },
  method: { kind: 'train' },
  seed: 0,
}

/** What a lab of schema 0001 had written: one experiment, a finished run and a running one. */
const DATA_0001 = `
INSERT INTO experiments (id, name, description, spec, created_at)
  VALUES (1, 'old lab', 'written before the upgrade', '{"name":"old lab"}', '2026-01-01T00:00:00.000Z');
INSERT INTO runs (id, experiment_id, key, role, label, method, seed, status, params, config, depends_on, backend, error, progress, created_at, started_at, finished_at, heartbeat_at)
  VALUES (1, 1, 'run-0', 'model', 'seed 0', 'train', 0, 'finished', '{"seed":0,"training.epochs":1}', '${JSON.stringify(CONFIG)}', '[]', 'wasm', NULL,
          '{"phase":"evaluate","epoch":1,"epochs":1,"step":0,"steps":1,"fraction":1,"etaSeconds":0}',
          '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:09.000Z', '2026-01-01T00:00:09.000Z');
INSERT INTO runs (id, experiment_id, key, role, label, method, seed, status, params, config, depends_on, created_at, started_at, heartbeat_at)
  VALUES (2, 1, 'run-1', 'model', 'seed 1', 'train', 1, 'running', '{"seed":1,"training.epochs":1}', '${JSON.stringify({ ...CONFIG, seed: 1 })}', '[]',
          '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:10.000Z', '2026-01-01T00:00:11.000Z');
INSERT INTO metrics (run_id, key, step, value) VALUES (1, 'train.loss', 1, 0.5), (1, 'train.loss', 2, 0.25), (1, 'val.accuracy', 1, NULL), (2, 'train.loss', 1, 0.75);
INSERT INTO results (run_id, key, value) VALUES (1, 'test.accuracy', 0.875), (1, 'params', 6370);
INSERT INTO layers (run_id, phase, position, name, kind, units, params, macs) VALUES (1, 'before', 0, 'dense_1', 'dense', 8, 6280, 6272), (1, 'before', 1, 'flatten', 'flatten', NULL, 0, 0);
INSERT INTO artifacts (id, run_id, kind, path, bytes, sha256, created_at) VALUES (1, 1, 'model', '/data/artifacts/run-1/model/model.json', 1234, '${'a'.repeat(64)}', '2026-01-01T00:00:09.000Z');
INSERT INTO tags (run_id, tag) VALUES (1, 'baseline'), (1, 'old');
INSERT INTO notes (run_id, body, updated_at) VALUES (1, 'kept across the upgrade', '2026-01-01T00:00:12.000Z');
INSERT INTO logs (id, run_id, at, level, message) VALUES (1, 1, '2026-01-01T00:00:09.000Z', 'info', 'done: 25 test errors');
`

/** A database file as the lab of migrations `1..version` left it, holding DATA_0001. */
function oldDatabase(dir: string, version: number): string {
  const path = join(dir, 'lab.db')
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  migrate(db, MIGRATIONS.filter((m) => m.version <= 1))
  db.exec(DATA_0001)
  // Later migrations of that older lab, with the data already in place.
  migrate(db, MIGRATIONS.filter((m) => m.version <= version))
  db.close()
  return path
}

const versions = MIGRATIONS.map((m) => m.version)
if (versions.length === 1) console.warn('[upgrade] only migration 0001 exists: the upgrade path is 0001 → 0001 until a 0002 is added')

it.each(versions)('a database of migrations up to %i opens in this lab and reads back all it held', async (version) => {
  const t = tempDir()
  cleanups.push(t.cleanup)
  const path = oldDatabase(t.dir, version)
  const store = openStore(path)
  cleanups.push(() => store.close())
  const applied = store.db.prepare('SELECT name FROM schema_migrations ORDER BY version').all() as { name: string }[]
  expect(applied.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name))
  expect(store.integrityCheck()).toBe('ok')

  const { rows, total } = store.listRuns({ sort: 'id' })
  expect(total).toBe(2)
  expect(rows.map((r) => [r.id, r.experimentName, r.label, r.status, r.backend])).toEqual([
    [1, 'old lab', 'seed 0', 'finished', 'wasm'],
    [2, 'old lab', 'seed 1', 'running', null],
  ])
  const detail = store.runDetail(1)
  expect(detail).toMatchObject({
    params: { seed: 0, 'training.epochs': 1 },
    results: { 'test.accuracy': 0.875, params: 6370 },
    tags: ['baseline', 'old'],
    notes: 'kept across the upgrade',
    progress: { phase: 'evaluate', fraction: 1 },
    finishedAt: '2026-01-01T00:00:09.000Z',
  })
  expect(detail?.artifacts.map((a) => [a.kind, a.path, a.bytes])).toEqual([['model', '/data/artifacts/run-1/model/model.json', 1234]])
  expect(detail?.logs.map((l) => l.message)).toEqual(['done: 25 test errors'])
  expect(store.runs.get(1)?.config).toEqual(CONFIG)
  expect(store.metrics.series(1)).toEqual([
    { key: 'train.loss', points: [{ step: 1, value: 0.5 }, { step: 2, value: 0.25 }] },
    { key: 'val.accuracy', points: [{ step: 1, value: Number.NaN }] },
  ])
  expect(store.outputs.layers(1).map((p) => [p.phase, p.layers.map((l) => [l.name, l.units, l.params])])).toEqual([
    ['before', [['dense_1', 8, 6280], ['flatten', null, 0]]],
  ])
  // The upgraded file takes new writes.
  store.annotations.addTags(1, ['upgraded'])
  expect(store.runDetail(1)?.tags).toEqual(['baseline', 'old', 'upgraded'])
})

it('the run the old lab left running is recovered as interrupted, its metrics kept', async () => {
  const t = tempDir()
  cleanups.push(t.cleanup)
  oldDatabase(t.dir, MIGRATIONS[0].version)
  const lab = await createLab({
    dataDir: t.dir,
    launcher: {
      spawn: () => {
        throw new Error('no workers in this test')
      },
    },
  })
  cleanups.push(() => lab.stop())
  expect(await lab.call('runs.get', { id: 2 })).toMatchObject({ status: 'interrupted', error: 'interrupted: the lab stopped while it ran' })
  expect(await lab.call('runs.metrics', { id: 2 })).toEqual([{ key: 'train.loss', points: [{ step: 1, value: 0.75 }] }])
})
