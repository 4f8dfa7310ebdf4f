/**
 * The lab that fuzz tests attack: a confined lab (as the server opens it) over a database with
 * two runs, tags, a note, metrics, results and a recorded artifact, beside a data folder holding
 * small valid IDX files and, outside it, a secret file that a link inside the folder points to.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { encodeIdx } from '../../src-main/engine/data/idx-format'
import { createLab } from '../../src-main/lab/index'
import type { Lab } from '../../src-main/lab/types'
import { tempDir } from '../unit/store/helpers'

export interface FuzzFixture {
  lab: Lab
  root: string
  dataDir: string
  dbPath: string
  /** A valid spec (mnist-10k, tiny MLP) that the mutations start from. */
  spec: Record<string, unknown>
  cleanup(): Promise<void>
}

export const BASE_SPEC: Record<string, unknown> = {
  name: 'fuzz base',
  dataset: { name: 'mnist-10k', trainLimit: 200 },
  model: { arch: 'mlp', hidden: [8] },
  training: { epochs: 1, batchSize: 50 },
  sweep: { seeds: [0, 1] },
  tags: ['base'],
}

/** Opens the fixture lab; `schedule: false`, so nothing it accepts would ever start a worker. */
export async function fuzzFixture(): Promise<FuzzFixture> {
  const t = tempDir('complab-fuzz-')
  const dataDir = join(t.dir, 'data')
  const outside = join(t.dir, 'outside')
  mkdirSync(dataDir)
  mkdirSync(outside)
  writeFileSync(join(outside, 'secret.txt'), 'not for the lab\n')
  symlinkSync(outside, join(dataDir, 'link-out'))
  // 20 images of 28×28 and their labels: a valid IDX dataset inside the folder.
  writeFileSync(join(dataDir, 'images.idx'), encodeIdx('images', [20, 28, 28], Uint8Array.from({ length: 20 * 784 }, (_, i) => i % 256)))
  writeFileSync(join(dataDir, 'labels.idx'), encodeIdx('labels', [20], Uint8Array.from({ length: 20 }, (_, i) => i % 10)))
  const lab = await createLab({ dataDir, schedule: false, confinePaths: true })
  const { runIds } = await lab.call('experiments.launch', { spec: BASE_SPEC })
  await lab.call('runs.note', { id: runIds[0], body: 'the first run' })
  await lab.call('runs.tag', { ids: runIds, add: ['fuzz'], remove: [] })
  // What a worker would have written: metrics, results, and an artifact whose recorded path lies
  // outside the data folder (artifacts.read must refuse to read it).
  const db = new Database(lab.dbPath)
  const metric = db.prepare('INSERT INTO metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)')
  for (let step = 1; step <= 5; step++) metric.run(runIds[0], 'train.loss', step, 1 / step)
  db.prepare('INSERT INTO results (run_id, key, value) VALUES (?, ?, ?)').run(runIds[0], 'test.accuracy', 0.9)
  db.prepare('INSERT INTO artifacts (run_id, kind, path, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    runIds[0],
    'model',
    join(outside, 'secret.txt'),
    16,
    '0'.repeat(64),
    new Date().toISOString(),
  )
  db.close()
  return {
    lab,
    root: t.dir,
    dataDir,
    dbPath: lab.dbPath,
    spec: BASE_SPEC,
    async cleanup() {
      await lab.stop()
      t.cleanup()
    },
  }
}
