/**
 * Numbers the window must not get wrong or leave stale (issue 18, items 1–6), each reproduced in
 * Chromium against the real server and lab:
 * 1. a preset's role filter does not follow the user to another experiment (the view went empty);
 * 2. the Teacher × student preset names a LeNet-5 teacher as the lab's matrix does (not `run #N`);
 * 3. a pivot's run count leaves out cancelled runs, as its mean does;
 * 4. while the JSON does not parse, nothing can be launched;
 * 5. cancelling one run says so, and a cancelled run shows no ETA;
 * 6. labels tell the students alone (and the students of a swept model) apart by their model,
 *    pruning runs carry no temperature, and no group-by choice is listed twice.
 * The runs are tiny (200 digits, one epoch): a distillation of two MLP students by a LeNet-5, a
 * pruning run and two seeds of a plain run, one of them cancelled while queued.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunSummary } from '../../src-shared/types'
import type { Lab } from '../../src-main/lab/types'
import type { RunningServer } from '../../src-main/server'
import { chromiumMissing, launchLongRun, SHOTS, startUiStack, stopUiStack } from './chromium'

const noChromium = chromiumMissing('e2e trust')

const TINY = { dataset: { name: 'mnist-10k', trainLimit: 200 }, training: { epochs: 1, batchSize: 50 } }

describe.skipIf(Boolean(noChromium))('numbers the window can be trusted with (browser mode)', () => {
  let dir: string
  let lab: Lab
  let server: RunningServer
  let browser: Browser
  let page: Page
  let distill = 0
  let prune = 0
  let plain = 0
  const problems: string[] = []
  const runs = async (): Promise<RunSummary[]> => (await lab.call('runs.list', { limit: 1000 })).rows
  const open = (hash: string): Promise<unknown> => page.goto(new URL(hash, server.url).href)
  const pivotRows = (): Promise<string[]> => page.getByRole('table', { name: 'Pivot table' }).locator('tbody th').allTextContents()

  beforeAll(async () => {
    ;({ dir, lab, server, browser, page } = await startUiStack({ tag: 'e2e trust', problems, concurrency: 2 }))
    // Two MLP students of a LeNet-5 teacher, each with its student alone: the grid sweeps the student.
    distill = (
      await lab.call('experiments.launch', {
        spec: {
          name: 'e2e-distill',
          ...TINY,
          model: { arch: 'mlp', hidden: [8] },
          method: { kind: 'distill', teacher: { source: 'train', model: { arch: 'lenet5', filters: [2, 4], dense: [8, 8] } }, baseline: true },
          sweep: { grid: { model: [{ arch: 'mlp', hidden: [8] }, { arch: 'mlp', hidden: [4] }] } },
        },
      })
    ).experimentId
    prune = (
      await lab.call('experiments.launch', {
        spec: { name: 'e2e-prune', ...TINY, model: { arch: 'mlp', hidden: [8] }, method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.5 }, fineTuneSteps: 1, finalEpochs: 0 } },
      })
    ).experimentId
    // Two seeds of a plain run; the second is cancelled while it waits behind the others.
    const launched = await lab.call('experiments.launch', { spec: { name: 'e2e-cancel', ...TINY, model: { arch: 'mlp', hidden: [8] }, sweep: { seeds: [0, 1] } } })
    plain = launched.experimentId
    await lab.call('runs.cancel', { id: launched.runIds[1] })
    for (const id of [distill, prune, plain]) await lab.idle(id)
    // The page with the token once (it becomes a cookie); the views are opened by their address then.
    await page.goto(server.pageUrl)
    const outcome = (await runs()).map((r) => `#${r.id} ${r.label} ${r.status}${r.error ? `: ${r.error}` : ''}`)
    expect(outcome.filter((line) => !/ (finished|cancelled)$/.test(line)), 'runs that did not end well').toEqual([])
  }, 300_000)

  afterAll(() => stopUiStack({ browser, server, lab, dir }))

  it('1: drops the Temperature preset’s role filter when another experiment is chosen', async () => {
    problems.length = 0
    await open(`#/sweeps?experiment=${distill}`)
    await page.getByRole('button', { name: 'Temperature → student accuracy' }).click()
    await expect.poll(pivotRows, { timeout: 15_000 }).toHaveLength(1)
    await page.getByLabel('Runs to pivot').selectOption(String(plain))
    // The plain runs (role `model`) pivot by seed.
    await expect.poll(async () => (await pivotRows()).map((t) => t.trim()), { timeout: 15_000 }).toContain('0')
    expect(await page.getByLabel('Pivot by').inputValue()).toBe('seed')
    await page.screenshot({ path: join(SHOTS, 'trust-sweeps-source.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 60_000)

  it('2: the Teacher × student preset names the LeNet-5 teacher and the students as the lab’s matrix does', async () => {
    problems.length = 0
    const { table } = await lab.call('compare.matrix', { experimentId: distill, kind: 'teacher-student' })
    if (!table) throw new Error('the distillation makes no teacher × student matrix')
    const teacher = String(table.rows[0].teacher)
    expect(teacher).toBe('lenet5 2-4')
    const students = table.columns.filter((c) => /^s\d+$/.test(c.key)).map((c) => c.label)
    expect([...students].sort()).toEqual(['mlp 4', 'mlp 8'])

    await open(`#/sweeps?experiment=${distill}`)
    await page.getByRole('button', { name: 'Teacher × student gain' }).click()
    const matrix = page.getByRole('table', { name: 'Pivot matrix of gain.test.accuracy' })
    await expect.poll(async () => (await matrix.locator('tbody th').allTextContents()).map((t) => t.trim()), { timeout: 15_000 }).toEqual([teacher])
    expect((await matrix.locator('thead th').allTextContents()).map((t) => t.trim())).toEqual(['teacher ↓ · student →', 'mlp 4', 'mlp 8'])
    // Every cell has its student (none dropped).
    expect(await matrix.locator('tbody td.empty').count()).toBe(0)

    // Pivoting by the teacher names it the same way, never by the run that trained it.
    await page.getByLabel('Matrix columns').selectOption('')
    await page.getByLabel('Pivot by').selectOption('teacher')
    await expect.poll(async () => (await pivotRows()).map((t) => t.trim()), { timeout: 15_000 }).toEqual([teacher])
    expect(problems).toEqual([])
  }, 60_000)

  it('3: counts only the runs that finished in a pivot’s cell, as its mean does', async () => {
    problems.length = 0
    await open(`#/sweeps?experiment=${plain}`)
    await page.getByLabel('Runs to pivot').selectOption('all')
    await expect.poll(() => page.getByLabel('Runs to pivot').inputValue(), { timeout: 15_000 }).toBe('all')
    await page.getByLabel('Pivot by').selectOption('experiment')
    const row = page.getByRole('table', { name: 'Pivot table' }).locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: 'e2e-cancel' }) })
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    const finished = (await runs()).find((r) => r.experimentId === plain && r.status === 'finished')!
    const heads = (await page.getByRole('table', { name: 'Pivot table' }).locator('thead th').allTextContents()).map((t) => t.trim())
    const cells = (await row.locator('th, td').allTextContents()).map((t) => t.trim())
    expect(cells[heads.indexOf('test.accuracy')]).toBe(`${(finished.results['test.accuracy'] * 100).toFixed(2)} %`)
    expect(cells[heads.indexOf('runs')]).toBe('1')
    expect(await page.getByText('1 run(s) that did not finish are left out').count()).toBe(1)
    expect(problems).toEqual([])
  }, 60_000)

  it('4: launches nothing while the JSON does not parse', async () => {
    problems.length = 0
    await open('#/launch')
    await page.getByLabel('Name', { exact: true }).waitFor({ timeout: 30_000 })
    await page.getByRole('switch', { name: 'Edit as JSON' }).check()
    const text = page.getByLabel('Spec (JSON)')
    await text.fill(JSON.stringify({ name: 'e2e-json', ...TINY, model: { arch: 'mlp', hidden: [8] } }))
    await expect.poll(() => page.getByTestId('run-count').textContent(), { timeout: 10_000 }).toBe('1')
    await expect.poll(() => page.getByRole('button', { name: 'Launch 1 run' }).isEnabled(), { timeout: 10_000 }).toBe(true)

    await text.fill('{ "name": "e2e-json", "sweep": { "seeds": [0, 1, 2] ')
    await expect.poll(() => page.getByRole('button', { name: /^Launch/ }).isDisabled(), { timeout: 10_000 }).toBe(true)
    expect(await page.getByTestId('run-count').count()).toBe(0)
    expect(await page.getByRole('complementary').textContent()).toMatch(/not valid JSON/)
    const before = (await runs()).length
    await text.press('Control+Enter')
    await page.waitForTimeout(500)
    expect(page.url()).toMatch(/#\/launch$/)
    expect((await runs()).length).toBe(before)
    expect(problems).toEqual([])
  }, 60_000)

  it('5: says how many runs it cancelled, and a cancelled run shows no ETA', async () => {
    problems.length = 0
    const id = await launchLongRun(lab)
    await open('#/runs')
    const table = page.getByRole('table', { name: 'Runs' })
    const row = table.locator(`tbody tr[data-run-id="${id}"]`)
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(/ETA/)
    await table.getByRole('checkbox', { name: `Select run ${id}` }).check()
    await page.getByRole('toolbar', { name: 'Selected runs' }).getByRole('button', { name: 'Cancel runs' }).click()
    await row.locator('.status-cancelled').waitFor({ timeout: 15_000 })
    await expect.poll(() => page.getByText(/Cancelled \d+ run\(s\)/).first().textContent(), { timeout: 10_000 }).toBe('Cancelled 1 run(s)')
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).not.toMatch(/ETA/)
    await page.screenshot({ path: join(SHOTS, 'trust-cancelled.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 90_000)

  it('6: labels tell runs apart by their model; pruning runs have no temperature; group-by choices are listed once', async () => {
    problems.length = 0
    const all = await runs()
    const labels = (role: string, experimentId: number): string[] => all.filter((r) => r.experimentId === experimentId && r.role === role).map((r) => r.label).sort()
    expect(labels('baseline', distill)).toEqual(['student alone mlp 4 seed 0', 'student alone mlp 8 seed 0'])
    expect(labels('student', distill)).toEqual(['student mlp 4 seed 0', 'student mlp 8 seed 0'])
    // A pruning run has no temperature (it was stored as 4, and grouped under "T = 4").
    const pruned = all.find((r) => r.experimentId === prune && r.role === 'pruned')!
    expect((await lab.call('runs.get', { id: pruned.id })).params['method.temperature']).toBeUndefined()

    await open(`#/runs?experiment=${distill}`)
    const table = page.getByRole('table', { name: 'Runs' })
    await expect.poll(() => table.locator('tbody tr[data-run-id]').count(), { timeout: 15_000 }).toBe(5)
    const shown = await table.locator('tbody tr[data-run-id]').allTextContents()
    for (const label of [...labels('baseline', distill), ...labels('student', distill)]) expect(shown.some((t) => t.includes(label)), label).toBe(true)
    expect(shown.some((t) => t.includes('{"'))).toBe(false)

    const options = (await page.getByLabel('Group by').locator('option').allTextContents()).map((t) => t.trim())
    expect(options.filter((o, i) => options.indexOf(o) !== i)).toEqual([])
    expect(options).toContain('Group by role')
    expect(problems).toEqual([])
  }, 60_000)
})
