/**
 * The CLI end to end: real processes, a real temporary database, the real engine on a few
 * hundred MNIST digits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metricInfo } from '../../src-shared/metrics'
import { complab } from '../helpers/complab'

// Each CLI call is a fresh process: a few seconds each on a loaded 2-core machine.
const SLOW = 300_000

const tinyKd = {
  name: 'tiny-kd',
  dataset: { name: 'mnist-10k', trainLimit: 300 },
  model: { arch: 'mlp', hidden: [8] },
  training: { epochs: 2, batchSize: 64, learningRate: 0.003 },
  method: {
    kind: 'distill',
    teacher: { source: 'train', model: { arch: 'mlp', hidden: [32] }, training: { epochs: 3 } },
    baseline: true,
  },
  sweep: { grid: { 'method.temperature': [1, 4] }, seeds: [0] },
}

describe('complab CLI', () => {
  let dir: string
  let db: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'complab-cli-'))
    db = join(dir, 'lab.db')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))


  it('runs a tiny distillation experiment end to end and exports it', async () => {
    const spec = join(dir, 'kd.json')
    writeFileSync(spec, JSON.stringify(tinyKd))
    const run = await complab(['run', spec, '--db', db, '--quiet'])
    expect(run.stderr + run.stdout).not.toMatch(/^error:|failed/m)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/experiment #1: 4 runs queued/)
    expect(run.stdout).toMatch(/#1 teacher .*: finished/)

    const md = await complab(['export', '--db', db, '--format', 'md'])
    expect(md.code).toBe(0)
    const lines = md.stdout.trim().split('\n')
    const header = lines[0].split('|').map((s) => s.trim())
    expect(header).toContain('test.accuracy')
    expect(lines).toHaveLength(2 + 4) // header, rule, one row per run
    const accIndex = header.indexOf('test.accuracy')
    for (const row of lines.slice(2)) {
      const acc = Number(row.split('|').map((s) => s.trim())[accIndex])
      expect(acc).toBeGreaterThan(0.3) // far above chance (0.1) after a few epochs
      expect(acc).toBeLessThanOrEqual(1)
    }

    const csvPath = join(dir, 'out.csv')
    const csv = await complab(['export', '--db', db, '--format', 'csv', '--experiment', '1', '--out', csvPath])
    expect(csv.code).toBe(0)
    expect(readFileSync(csvPath, 'utf8').trim().split('\n')).toHaveLength(5)

    // The matrices come from the lab's `compare.matrix`, as the server and the window get them.
    const matrix = await complab(['export', '--db', db, '--matrix', 'teacher-student', '--runs', '1,2,3', '--format', 'md'])
    expect(matrix.stderr).toBe('')
    expect(matrix.code).toBe(0)
    expect(matrix.stdout).toMatch(/^\| teacher \/ student \| teacher test\.accuracy \(%\) \| mlp 8 \|$/m)
    expect(matrix.stdout).toMatch(/^\| mlp 32 \| \d+\.\d\d \| \d+\.\d\d \([+−]?\d+\.\d\d\) \|$/m)
    const seeds = await complab(['export', '--db', db, '--matrix', 'seeds', '--experiment', '1', '--columns', 'params'])
    expect(seeds.code).toBe(0)
    expect(seeds.stdout.split('\r\n')[0]).toBe(
      'role,configuration,seeds,test.accuracy mean,test.accuracy std,test.errors mean,test.errors std,against,gain mean,gain std,gain n,gain ci_low,gain ci_high,params mean,params std',
    )
    // The same table for reading: units in the headers, the paired difference beside its interval and verdict.
    const seedsMd = await complab(['export', '--db', db, '--matrix', 'seeds', '--experiment', '1', '--format', 'md'])
    expect(seedsMd.code).toBe(0)
    expect(seedsMd.stdout.split('\n')[0]).toBe('| role | configuration | seeds | test.accuracy (%) | test errors | against | Δ test.accuracy (pp) | 95 % CI (pp) | significance |')
    expect(seedsMd.stdout).toMatch(/^\| student \| student T=1 \| 1 \| \d+\.\d\d \| \d+\.0 \| student alone \| [+−]?\d+\.\d\d \|  \| one seed: no interval \|$/m)
    const mixed = await complab(['export', '--db', db, '--matrix', 'teacher-student', '--experiment', '1'])
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toMatch(/^error: runs #3 and #4 are both mlp 8 taught by mlp 32 with seed 0/)

    const list = await complab(['runs', 'list', '--db', db, '--json', '--status', 'finished'])
    expect(list.code).toBe(0)
    const parsed = JSON.parse(list.stdout) as { total: number; rows: { role: string; results: Record<string, number> }[] }
    expect(parsed.total).toBe(4)
    // Every result a teacher, a baseline and a distilled student record is declared in the registry.
    expect(parsed.rows.flatMap((r) => Object.keys(r.results)).filter((k) => !metricInfo(k))).toEqual([])
    expect(parsed.rows.map((r) => r.role).sort()).toEqual(['baseline', 'student', 'student', 'teacher'])

    const show = await complab(['runs', 'show', '3', '--db', db])
    expect(show.code).toBe(0)
    expect(show.stdout).toMatch(/method\.temperature = 1/)
    expect(show.stdout).toMatch(/teacher: run #1/)
    // Results read through the metric registry.
    expect(show.stdout).toMatch(/^  test\.accuracy = \d+\.\d\d %$/m)
    expect(show.stdout).toMatch(/^  params = [\d,]+$/m)
    expect(show.stdout).toMatch(/model.*model\.json/)

    const check = new Database(db, { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()

    // A teacher taken from an earlier run by id.
    const reuse = join(dir, 'reuse.json')
    writeFileSync(reuse, JSON.stringify({ ...tinyKd, name: 'reuse', method: { kind: 'distill', baseline: false, teacher: { source: 'run', runId: 1 } }, sweep: { seeds: [0] } }))
    const r2 = await complab(['run', reuse, '--db', db, '--quiet'])
    expect(r2.code).toBe(0)
    expect(r2.stdout).toMatch(/experiment #2: 1 run queued/)
  }, SLOW)

  it('names every bad field of an invalid spec and exits 2', async () => {
    const spec = join(dir, 'bad.json')
    writeFileSync(spec, JSON.stringify({ name: 'bad', dataset: { name: 'mnist-10k' }, model: { arch: 'mlp', hidden: [-3] }, training: { epochs: 0, lr: 1 } }))
    const r = await complab(['run', spec, '--db', join(dir, 'bad.db')])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/invalid spec .*bad\.json: 3 problems/)
    expect(r.stderr).toMatch(/model\.hidden\[0\]/)
    expect(r.stderr).toMatch(/training\.epochs/)
    expect(r.stderr).toMatch(/lr/)
  }, SLOW)

  it('gives one clear line for each kind of bad input', async () => {
    const write = (name: string, spec: unknown): string => {
      const p = join(dir, name)
      writeFileSync(p, JSON.stringify(spec))
      return p
    }
    const unknownDataset = await complab(['run', write('ds.json', { ...tinyKd, dataset: { name: 'cifar-100' } }), '--db', join(dir, 'e1.db')])
    expect(unknownDataset.code).toBe(2)
    expect(unknownDataset.stderr).toMatch(/dataset\.name/)

    const missingTeacher = await complab(['run', write('t.json', { ...tinyKd, method: { kind: 'distill', teacher: { source: 'run', runId: 999 } } }), '--db', join(dir, 'e2.db')])
    expect(missingTeacher.code).toBe(2)
    expect(missingTeacher.stderr).toMatch(/teacher run #999 does not exist/)

    const mismatch = await complab(['run', write('m.json', { ...tinyKd, method: { kind: 'train' }, sweep: { seeds: [0] }, model: { arch: 'custom', layers: [{ type: 'conv2d', filters: 4, kernelSize: 30 }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'linear' }] } }), '--db', join(dir, 'e3.db')])
    expect(mismatch.code).toBe(2)
    expect(mismatch.stderr.trim().split('\n').length).toBeLessThanOrEqual(2)

    const unwritable = await complab(['run', write('ok.json', tinyKd), '--db', '/proc/complab-no/such/dir/x.db'])
    expect(unwritable.code).not.toBe(0)
    expect(unwritable.stderr.trim().split('\n')).toHaveLength(1)
    expect(unwritable.stderr).toMatch(/x\.db/)

    const missingFile = await complab(['run', join(dir, 'nope.json'), '--db', join(dir, 'e4.db')])
    expect(missingFile.code).toBe(2)
    expect(missingFile.stderr.trim()).toBe(`error: cannot read spec ${join(dir, 'nope.json')}: no such file`)

    const badFlag = await complab(['runs', 'list', '--sort', 'id; DROP TABLE runs', '--db', join(dir, 'e4.db')])
    expect(badFlag.code).toBe(2)
    expect(badFlag.stderr).toMatch(/--sort/)

    const unknown = await complab(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr.trim()).toBe("error: unknown command 'frobnicate' (see complab --help)")
  }, SLOW)
})
