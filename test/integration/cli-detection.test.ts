/**
 * A detection experiment through the CLI, as a user runs it: a spec naming the `shapes` dataset,
 * a Tiny-YOLO teacher trained in the launch, the student alone and a distilled student using the
 * unlabelled images; real processes, a real database, the real engine on a few 16×16 images.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { complab } from '../helpers/complab'

const dir = mkdtempSync(join(tmpdir(), 'complab-cli-det-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const spec = {
  name: 'tiny-detection',
  dataset: { name: 'shapes', imageSize: 16, numClasses: 2, trainSize: 16, testSize: 8, unlabelledSize: 8 },
  model: { arch: 'denseStackedStudent', filters: [4, 8], gridBlocks: [[4, 8]], fuseFilters: 8, anchors: 1 },
  training: { epochs: 1, batchSize: 8 },
  method: {
    kind: 'detect-distill',
    teacher: { source: 'train', model: { arch: 'tinyYolo', filters: [4, 8], gridFilters: [8], anchors: 1 } },
    useUnlabelled: true,
    previews: 2,
  },
}

describe('complab run on a detection dataset', () => {
  it('trains the teacher, the student alone and the distilled student, and records mAP, per-class AP and previews', async () => {
    const path = join(dir, 'det.json')
    const db = join(dir, 'lab.db')
    writeFileSync(path, JSON.stringify(spec))
    const run = await complab(['run', path, '--db', db])
    expect(run.stderr).not.toMatch(/^error:/m)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/experiment #1: 3 runs queued/)
    // The summary shows mAP, not the classification columns.
    const header = run.stdout.split('\n').find((l) => l.startsWith('run  '))
    expect(header).toMatch(/test mAP/)
    expect(header).not.toMatch(/test acc/)

    const check = new Database(db, { readonly: true })
    const results = check.prepare('SELECT run_id, key, value FROM results ORDER BY run_id').all() as { run_id: number; key: string; value: number }[]
    for (const id of [1, 2, 3]) {
      const keys = results.filter((r) => r.run_id === id).map((r) => r.key)
      expect(keys).toEqual(expect.arrayContaining(['test.mAP', 'test.mAP11', 'params', 'macs', 'train.seconds']))
      expect(keys.some((k) => k.startsWith('test.ap.'))).toBe(true)
      const mAP = results.find((r) => r.run_id === id && r.key === 'test.mAP')?.value ?? -1
      expect(mAP).toBeGreaterThanOrEqual(0)
      expect(mAP).toBeLessThanOrEqual(1)
    }
    const previews = check.prepare("SELECT path, bytes FROM artifacts WHERE kind = 'preview' AND run_id = 3").all() as { path: string; bytes: number }[]
    expect(previews).toHaveLength(2)
    for (const p of previews) {
      expect(existsSync(p.path)).toBe(true)
      expect(readFileSync(p.path).subarray(1, 4).toString()).toBe('PNG')
    }
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()
  }, 300_000)

  it('prunes a detector (Taylor) after training its parent, printing each step', async () => {
    const path = join(dir, 'prune.json')
    const db = join(dir, 'prune.db')
    writeFileSync(
      path,
      JSON.stringify({
        ...spec,
        name: 'tiny-detector-pruning',
        method: { kind: 'prune', criterion: 'taylor', target: { ratio: 0.3 }, unitsPerStep: 3, fineTuneSteps: 1, finalEpochs: 1 },
      }),
    )
    const run = await complab(['run', path, '--db', db])
    expect(run.stderr).not.toMatch(/^error:/m)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/#2 prune taylor seed 0 {2}step 0 {2}test\.mAP /)
    expect(run.stdout).toMatch(/#2 prune taylor seed 0 {2}step 1\/\d+ {2}test\.mAP [\d.]+ {2}params \d+/)
    expect(run.stdout).toMatch(/stopped after \d+ steps \(the target was reached\)/)
    const check = new Database(db, { readonly: true })
    const r = Object.fromEntries((check.prepare('SELECT key, value FROM results WHERE run_id = 2').all() as { key: string; value: number }[]).map((x) => [x.key, x.value]))
    check.close()
    expect(r.params).toBeLessThan(r['parent.params'])
    expect(r['mAP.change']).toBeCloseTo(r['test.mAP'] - r['parent.test.mAP'], 9)
  }, 300_000)

  it('refuses a detector on a classification dataset before queueing anything', async () => {
    const path = join(dir, 'mismatch.json')
    writeFileSync(path, JSON.stringify({ ...spec, dataset: { name: 'mnist-10k' } }))
    const run = await complab(['run', path, '--db', join(dir, 'other.db')])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/task mismatch: dataset mnist-10k is classification/)
  }, 120_000)
})
