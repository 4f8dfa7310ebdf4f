/**
 * Named saved views per experiment in Chromium (issue 18 item 11): the runs table with a query
 * and a column saved under a name, then reopened from the list (after a reload: they are in the
 * lab's database); a pivot saved from Sweeps; a name in use replaced; a view deleted.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Lab } from '../../src-main/lab/types'
import { chromiumMissing, SHOTS, startUiStack, stopUiStack, type UiStack } from './chromium'
import { seedPruneSweep } from './seeded-lab'

const noChromium = chromiumMissing('e2e saved views')

describe.skipIf(Boolean(noChromium))('saved views (browser mode)', () => {
  let ui: UiStack
  let page: Page
  let lab: Lab
  const problems: string[] = []
  const open = (hash: string): Promise<unknown> => page.goto(new URL(hash, ui.server.url).href)
  const query = (): URLSearchParams => new URLSearchParams(page.url().split('?')[1] ?? '')
  const rowCount = (): Promise<number> => page.locator('tbody tr[data-run-id]').count()

  async function saveView(name: string): Promise<void> {
    await page.getByRole('button', { name: 'Save view…' }).click()
    await page.getByLabel('View name').fill(name)
    await page.getByLabel('View name').press('Enter')
    await page.getByText(`Saved the view “${name}”`, { exact: true }).waitFor()
  }

  beforeAll(async () => {
    ui = await startUiStack({ tag: 'e2e saved views', problems, seed: (db) => seedPruneSweep(db) })
    ;({ page, lab } = ui)
    await page.goto(ui.server.pageUrl)
  }, 120_000)

  afterAll(() => stopUiStack(ui ?? {}))

  it('saves the runs table under a name and reopens it from the list, after a reload too', async () => {
    await open('#/runs?experiment=1')
    await page.locator('tbody tr[data-run-id]').nth(6).waitFor()
    await page.getByLabel('Filter runs').fill('method.criterion = taylor')
    await expect.poll(rowCount).toBe(2)
    await page.getByLabel('Add a column').selectOption('param:method.target.ratio')
    await saveView('taylor only')

    await open('#/runs?experiment=1')
    await page.getByLabel('Filter runs').fill('')
    await expect.poll(rowCount).toBe(7)
    await page.reload()
    await page.getByLabel('Open a saved view').selectOption({ label: 'taylor only (runs)' })
    await expect.poll(rowCount).toBe(2)
    expect(query().get('q')).toBe('method.criterion = taylor')
    expect(query().get('cols')).toContain('param:method.target.ratio')
    expect(await page.getByLabel('Filter runs').inputValue()).toBe('method.criterion = taylor')
    // The list says which saved view is on screen.
    expect(await page.getByLabel('Open a saved view').locator('option').first().textContent()).toBe('View: taylor only')
    await page.screenshot({ path: join(SHOTS, 'saved-views-runs.png') })
    expect(problems).toEqual([])
  }, 60_000)

  it('saves a pivot from Sweeps, replaces a name in use, deletes a view', async () => {
    await open('#/sweeps?experiment=1')
    await page.getByLabel('Pivot by').selectOption('method.target.ratio')
    await expect.poll(() => query().get('rows')).toBe('method.target.ratio')
    await saveView('by ratio')
    await page.getByRole('button', { name: 'Save view…' }).click()
    await page.getByLabel('View name').fill('By ratio')
    expect(await page.getByText('replaces the saved view “by ratio”').count()).toBe(1)
    await page.getByRole('button', { name: 'Replace' }).click()
    await page.getByText('Saved the view “By ratio”', { exact: true }).waitFor()
    const { views } = await lab.call('views.list', { experimentId: 1 })
    expect(views.map((v) => `${v.name} ${v.page}`)).toEqual(['By ratio sweeps', 'taylor only runs'])
    expect(views[0].query.rows).toBe('method.target.ratio')

    await page.getByRole('button', { name: 'Delete the saved view By ratio' }).click()
    await page.getByText('Deleted the view “By ratio”').waitFor()
    expect((await lab.call('views.list', { experimentId: 1 })).views.map((v) => v.name)).toEqual(['taylor only'])
    // Views of the experiment are listed on every page of it: the runs view opens from Sweeps.
    await page.getByLabel('Open a saved view').selectOption({ label: 'taylor only (runs)' })
    await expect.poll(() => page.url()).toContain('#/runs?')
    await expect.poll(rowCount).toBe(2)
    expect(problems).toEqual([])
  }, 60_000)
})
