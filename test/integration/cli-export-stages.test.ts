/**
 * `complab export --matrix seeds` of a prune → quantize chain (issue 19 item 1): the stages side
 * by side in lineage order — each with the stage it came from, its weight bytes, how many times
 * fewer than the float parent's (Deep Compression's ratio), its change against the parent in points
 * and ONNX Runtime's accuracy — in Markdown, and as numbers in CSV. The window's Sweeps view shows
 * the same table (test/e2e/deployment.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { complab } from '../helpers/complab'
import { seedStageChain } from '../e2e/seeded-lab'

const dir = mkdtempSync(join(tmpdir(), 'complab-cli-stages-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const db = join(dir, 'lab.db')
seedStageChain(db)

describe('complab export --matrix seeds of compression stages', () => {
  it('lists the stages side by side with their lineage, in Markdown and CSV', { timeout: 60_000 }, async () => {
    const md = await complab(['export', '--db', db, '--matrix', 'seeds', '--experiment', '1', '--format', 'md'])
    expect(md.stderr).toBe('')
    expect(md.code).toBe(0)
    const lines = md.stdout.trim().split('\n')
    expect(lines[0]).toBe(
      '| role | configuration | stage | from | seeds | test.accuracy (%) | against | Δ test.accuracy (pp) | 95 % CI (pp) | significance | weights.bytes (B) | origin.compression (×) | origin.accuracy.change (pp) | ort.test.accuracy (%) |',
    )
    const cells = lines.slice(2).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()))
    expect(cells.map((c) => c.slice(0, 5))).toEqual([
      ['parent', 'unpruned mlp', '1 train', '', '2'],
      ['pruned', 'prune l1', '2 prune', 'unpruned mlp', '2'],
      ['pruned', 'quantize', '3 quantize', 'prune l1', '2'],
    ])
    // The float parent: 12,730 float32 parameters, 1× itself; the stage 6,370 (2.00×); int8 weights plus scales 6,474 B (7.87×).
    expect(cells[0].slice(10)).toEqual(['50,920 ± 0', '1.00 ± 0.00', '0.00 ± 0.00', ''])
    expect(cells[1].slice(10, 13)).toEqual(['25,480 ± 0', '2.00 ± 0.00', '−1.10 ± 0.00'])
    expect(cells[2].slice(10)).toEqual(['6,474 ± 0', '7.87 ± 0.00', '−1.30 ± 0.00', '96.30 ± 0.71'])

    const csv = await complab(['export', '--db', db, '--matrix', 'seeds', '--experiment', '1', '--format', 'csv'])
    expect(csv.code).toBe(0)
    const [head, , , quantize] = csv.stdout.trim().split(/\r?\n/)
    expect(head.split(',').slice(0, 5)).toEqual(['role', 'configuration', 'stage', 'from', 'seeds'])
    const q = Object.fromEntries(head.split(',').map((k, i) => [k, quantize.split(',')[i]]))
    expect(Number(q['origin.compression mean'])).toBeCloseTo((4 * 12730) / 6474, 6)
    expect(q.stage).toBe('3 quantize')
  })
})
