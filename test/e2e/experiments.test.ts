/**
 * The Experiments overview in Chromium (issue 18 item 12): a finished pruning sweep (seeded) and
 * a long run training live; each experiment with its runs by status, its progress and time left,
 * its best run, and its actions: open in Sweeps, compare all, export. Takes the README's
 * screenshot (docs/screenshots/experiments.png) when SCREENSHOTS=1.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src-main/server/renderer-build'
import { chromiumMissing, launchLongRun, SHOTS, startUiStack, stopUiStack, type UiStack } from './chromium'
import { seedPruneSweep } from './seeded-lab'

const noChromium = chromiumMissing('e2e experiments')

describe.skipIf(Boolean(noChromium))('Experiments overview (browser mode)', () => {
  let ui: UiStack
  let page: Page
  const problems: string[] = []
  const row = (name: string): ReturnType<Page['locator']> => page.getByRole('table', { name: 'Experiments' }).locator('tbody tr').filter({ has: page.getByRole('rowheader', { name }) })

  beforeAll(async () => {
    ui = await startUiStack({ tag: 'e2e experiments', problems, seed: (db) => seedPruneSweep(db), acceptDownloads: true })
    page = ui.page
    await launchLongRun(ui.lab)
    await page.goto(ui.server.pageUrl)
  }, 120_000)

  afterAll(() => stopUiStack(ui ?? {}))

  it('shows each experiment’s runs by status, progress and time left, and best run', async () => {
    await page.getByRole('link', { name: 'Experiments' }).click()
    await expect.poll(() => page.url()).toMatch(/#\/experiments$/)
    const sweep = row('prune-sweep #1')
    await expect.poll(() => sweep.getByLabel('Runs of prune-sweep by status').textContent()).toBe('7 finished')
    expect(await sweep.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100')
    // The parent is a reference: the best run is the best pruned one.
    expect((await sweep.locator('td').nth(2).textContent())?.replace(/\s+/g, ' ').trim()).toMatch(/^97\.50 ?% test\.accuracy · prune taylor ratio=0\.25 seed 0$/)
    // The long run trains: the experiment is running, with the time left once its pace is known.
    const long = row('e2e-long #2')
    await expect.poll(() => long.getByLabel('Runs of e2e-long by status').textContent(), { timeout: 60_000 }).toBe('1 running')
    await expect.poll(() => long.getByRole('progressbar').getAttribute('aria-valuetext'), { timeout: 60_000 }).toMatch(/^\d+%, ETA \d/)
    expect(await page.getByRole('link', { name: 'Experiments' }).getAttribute('aria-current')).toBe('page')
    await page.screenshot({ path: join(SHOTS, 'experiments.png') })
    if (process.env.SCREENSHOTS) await page.screenshot({ path: join(PROJECT_ROOT, 'docs', 'screenshots', 'experiments.png') })
    expect(problems).toEqual([])
  }, 90_000)

  it('opens an experiment in Sweeps, compares all its runs, exports its runs table', async () => {
    const sweep = row('prune-sweep #1')
    expect(await sweep.getByRole('link', { name: 'Compare all finished runs of prune-sweep' }).getAttribute('href')).toBe('#/compare?ids=1,2,3,4,5,6,7')
    const [download] = await Promise.all([page.waitForEvent('download'), sweep.getByRole('button', { name: 'Save runs of prune-sweep as CSV' }).click()])
    const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/)
    expect(csv).toHaveLength(8)
    expect(csv[1]).toMatch(/^1,prune-sweep,parent seed 0,parent,train,0,finished,0\.981/)
    await sweep.getByRole('link', { name: 'Open prune-sweep in Sweeps' }).click()
    await expect.poll(() => page.url()).toMatch(/#\/sweeps\?experiment=1/)
    await page.getByRole('table', { name: 'Pivot table' }).waitFor()
    await page.goBack()
    await row('prune-sweep #1').getByRole('link', { name: 'Compare all finished runs of prune-sweep' }).click()
    await expect.poll(() => page.url()).toMatch(/#\/compare\?ids=1,2,3,4,5,6,7/)
    expect(problems).toEqual([])
  }, 60_000)
})
