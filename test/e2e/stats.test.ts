/**
 * Compression first and statistics over seeds in the window (issue 18 items 7, 8, 10), in
 * Chromium against the real server and lab, on tiny runs (200 digits, one epoch, two seeds):
 * - the run page's summary card of a pruned run (sizes parent → pruned with the factor, the measured
 *   speed-up, the change against the parent, units per layer `8 → 4 (−50 %)`, the change over its
 *   two seeds with its 95 % interval) and of a distilled student (against the student alone and
 *   the teacher), and the runs table's compression columns and gain over the student alone;
 * - the Sweeps pivot's and the teacher × student matrix's gain cells with their interval and verdict;
 * - Compare's statistics over seeds, exported as CSV by the code the CLI uses (`export.matrix`).
 * Screenshots for the README: docs/screenshots/summary-card.png and sweeps-ci.png (copied from
 * test-results/e2e by hand when the window changes).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatMetric } from '../../src-shared/metrics'
import { withUnit } from '../../src-shared/number-format'
import type { RunSummary } from '../../src-shared/types'
import { chromiumMissing, SHOTS, useUiStack } from './chromium'

const noChromium = chromiumMissing('e2e stats')

const TINY = { dataset: { name: 'mnist-10k', trainLimit: 200 }, training: { epochs: 1, batchSize: 50 }, sweep: { seeds: [0, 1] } }

describe.skipIf(Boolean(noChromium))('compression summary and statistics over seeds (browser mode)', () => {
  let prune = 0
  let distill = 0
  const problems: string[] = []
  const ui = useUiStack({ tag: 'e2e stats', problems, concurrency: 2, acceptDownloads: true })
  const runs = async (): Promise<RunSummary[]> => (await ui.lab.call('runs.list', { limit: 1000 })).rows
  const open = (hash: string): Promise<unknown> => ui.page.goto(new URL(hash, ui.server.url).href)

  beforeAll(async () => {
    prune = (
      await ui.lab.call('experiments.launch', {
        spec: { name: 'e2e-prune-seeds', ...TINY, model: { arch: 'mlp', hidden: [8] }, method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.5 }, fineTuneSteps: 1, finalEpochs: 0 } },
      })
    ).experimentId
    distill = (
      await ui.lab.call('experiments.launch', {
        spec: { name: 'e2e-distill-seeds', ...TINY, model: { arch: 'mlp', hidden: [8] }, method: { kind: 'distill', teacher: { source: 'train', model: { arch: 'mlp', hidden: [16] } }, baseline: true } },
      })
    ).experimentId
    for (const id of [prune, distill]) await ui.lab.idle(id)
    await ui.page.goto(ui.server.pageUrl)
    const outcome = (await runs()).map((r) => `#${r.id} ${r.label} ${r.status}${r.error ? `: ${r.error}` : ''}`)
    expect(outcome.filter((line) => !/ finished$/.test(line)), 'runs that did not finish').toEqual([])
  }, 300_000)

  it('7: a pruned run’s summary card: parent → pruned, speed-up, change in points, per layer, over seeds', async () => {
    problems.length = 0
    const pruned = (await runs()).find((r) => r.experimentId === prune && r.role === 'pruned' && r.seed === 0)!
    const r = pruned.results
    await open(`#/runs/${pruned.id}`)
    const card = ui.page.getByRole('region', { name: 'Pruning summary' })
    await card.waitFor({ timeout: 15_000 })
    const params = card.locator('tr[data-key="params"] td')
    await expect.poll(() => params.allTextContents(), { timeout: 10_000 }).toEqual([
      formatMetric('params', r['parent.params']),
      formatMetric('params', r.params),
      expect.stringMatching(/^−\d+ %$/),
      `${(r['parent.params'] / r.params).toFixed(2)}×`,
    ])
    expect(await card.getByTestId('speedup').textContent()).toBe(withUnit('ratio', r.speedup))
    expect(await card.locator('[data-against="parent"]').getByTestId('quality-change').textContent()).toBe(withUnit('points', r['accuracy.change']))
    // Half of the 8 hidden units removed.
    expect((await card.getByRole('table', { name: 'Units per layer before and after' }).locator('td.num').allTextContents())[0]).toBe('8 → 4 (−50 %)')
    const seeds = await card.getByRole('list', { name: 'Change over seeds' }).textContent()
    expect(seeds).toMatch(/Over 2 seeds against the unpruned parent: [+−]?\d+\.\d\d pp, 95 % CI \[[+−]?\d+\.\d\d, [+−]?\d+\.\d\d\] pp, (not )?significant with 2 seeds/)
    await card.screenshot({ path: join(SHOTS, 'summary-card.png') })
    expect(problems).toEqual([])
  }, 60_000)

  it('7: a distilled student’s card compares it with the student alone and the teacher; the runs table has the compression columns', async () => {
    problems.length = 0
    const all = await runs()
    const student = all.find((r) => r.experimentId === distill && r.role === 'student' && r.seed === 1)!
    const alone = all.find((r) => r.experimentId === distill && r.role === 'baseline' && r.seed === 1)!
    await open(`#/runs/${student.id}`)
    const card = ui.page.getByRole('region', { name: 'Distillation summary' })
    await card.waitFor({ timeout: 15_000 })
    const vsAlone = card.locator('.headline [data-against="student alone"]')
    await expect.poll(() => vsAlone.getByTestId('quality-change').textContent(), { timeout: 10_000 }).toBe(
      withUnit('points', student.results['test.accuracy'] - alone.results['test.accuracy']),
    )
    expect(await vsAlone.textContent()).toContain(`run ${alone.id}`)
    expect(await card.locator('.headline [data-against="teacher"]').getByTestId('quality-change').textContent()).toBe(
      withUnit('points', student.results['test.accuracy'] - student.results['teacher.test.accuracy']),
    )

    await open('#/runs')
    const table = ui.page.getByRole('table', { name: 'Runs' })
    const pruned = all.find((r) => r.experimentId === prune && r.role === 'pruned')!
    await table.locator(`tbody tr[data-run-id="${pruned.id}"]`).waitFor({ timeout: 15_000 })
    const heads = (await table.locator('thead th').allTextContents()).map((t) => t.trim())
    for (const h of ['Params ÷', 'MACs cut', 'Speed-up', 'Δ accuracy']) expect(heads.some((x) => x.startsWith(h)), h).toBe(true)
    const cells = (await table.locator(`tbody tr[data-run-id="${pruned.id}"] td`).allTextContents()).map((t) => t.trim())
    expect(cells[heads.findIndex((h) => h.startsWith('Speed-up'))]).toBe(formatMetric('speedup', pruned.results.speedup))
    expect(cells[heads.findIndex((h) => h.startsWith('Δ accuracy'))]).toBe(formatMetric('accuracy.change', pruned.results['accuracy.change']))
    // A distilled student's gain over the student alone of its seed, a column of its own.
    const gainAt = heads.findIndex((h) => h.startsWith('Gain over student alone (pp)'))
    expect(gainAt, `gain column among ${heads.join(' | ')}`).toBeGreaterThan(0)
    const studentCells = table.locator(`tbody tr[data-run-id="${student.id}"] td`)
    await expect.poll(async () => (await studentCells.nth(gainAt).textContent())?.trim(), { timeout: 10_000 }).toBe(
      formatMetric('gain.test.accuracy', student.results['test.accuracy'] - alone.results['test.accuracy']),
    )
    expect(cells[gainAt]).toBe('—')
    expect(problems).toEqual([])
  }, 60_000)

  it('8: the Sweeps pivot and the teacher × student matrix give a gain its 95 % interval over the paired seeds, and say when it includes zero', async () => {
    problems.length = 0
    await open(`#/sweeps?experiment=${distill}`)
    await ui.page.getByRole('button', { name: 'Teacher × student gain' }).click()
    const pivot = ui.page.getByRole('table', { name: 'Pivot matrix of gain.test.accuracy' })
    await expect.poll(async () => (await pivot.locator('tbody th').allTextContents()).map((t) => t.trim()), { timeout: 15_000 }).toEqual(['mlp 16'])
    const expected = await ui.lab.call('sweeps.pivot', { experimentId: distill, roles: ['student'], rows: 'teacher', columns: 'student', metrics: ['gain.test.accuracy'] })
    const cell = expected.cells[0][0][0]
    expect(cell.n).toBe(2)
    const bare = (v: number): string => withUnit('points', v).replace(' pp', '')
    const text = (await pivot.locator('tbody td').first().textContent())?.trim() ?? ''
    expect(text).toContain(`95 % CI [${bare(cell.ciLow!)}, ${bare(cell.ciHigh!)}]`)
    const includesZero = cell.ciLow! <= 0 && cell.ciHigh! >= 0
    expect(/n\.s\.( \(2\))?$/.test(text)).toBe(includesZero)
    // The lab's matrix (what `complab export --matrix teacher-student` writes) carries the same interval.
    const matrix = ui.page.getByRole('table', { name: 'Teacher × student matrix' })
    await expect.poll(async () => (await matrix.locator('tbody td').nth(1).textContent())?.trim(), { timeout: 15_000 }).toContain(`[${bare(cell.ciLow!)}, ${bare(cell.ciHigh!)}]`)
    await ui.page.screenshot({ path: join(SHOTS, 'sweeps-ci.png'), fullPage: false })
    expect(problems).toEqual([])
  }, 60_000)

  it('8, 10: Compare shows the runs over their seeds and exports them as the CLI does (numbers, ci_low, ci_high)', async () => {
    problems.length = 0
    const ids = (await runs()).filter((r) => r.experimentId === distill && r.role !== 'teacher').map((r) => r.id)
    await open(`#/compare?ids=${ids.join(',')}`)
    const table = ui.page.getByRole('table', { name: 'Statistics over seeds' })
    await table.waitFor({ timeout: 15_000 })
    const heads = (await table.locator('thead th').allTextContents()).map((t) => t.trim())
    expect(heads).toEqual(expect.arrayContaining(['test.accuracy (%)', 'against', 'Δ test.accuracy (pp)', '95 % CI (pp)', 'significance']))
    const student = table.locator('tbody tr').filter({ hasText: 'student alone' }).last()
    expect(await table.locator('tbody tr').count()).toBe(2)
    expect((await student.textContent()) ?? '').toMatch(/(not )?significant with 2 seeds/)

    await ui.page.getByLabel('Export format for statistics over seeds').selectOption('csv')
    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.page.getByRole('button', { name: 'Save statistics over seeds as CSV' }).click()])
    expect(download.suggestedFilename()).toBe('compression-lab-matrix-seeds.csv')
    const csv = readFileSync(await download.path(), 'utf8')
    const cli = await ui.lab.call('export.matrix', { runIds: ids, kind: 'seeds', format: 'csv' })
    expect(csv).toBe(cli.content)
    expect(csv.split('\r\n')[0]).toMatch(/,against,gain mean,gain std,gain n,gain ci_low,gain ci_high$/)
    expect(problems).toEqual([])
  }, 60_000)
})
