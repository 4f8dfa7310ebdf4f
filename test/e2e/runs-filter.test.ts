/**
 * The runs table's structured filter in Chromium (issue 18 item 13): a query on results and
 * parameters is run by the lab and narrows the table; a broken one says what is wrong; words stay
 * a text filter; a column added from the toolbar is scrolled into view; the page itself never
 * scrolls (the table does). The runs are a seeded pruning sweep (test/e2e/seeded-lab.ts).
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Lab } from '../../src-main/lab/types'
import { chromiumMissing, SHOTS, startUiStack, stopUiStack, type UiStack } from './chromium'
import { seedPruneSweep } from './seeded-lab'

const noChromium = chromiumMissing('e2e runs filter')

describe.skipIf(Boolean(noChromium))('runs table: structured filters (browser mode)', () => {
  let ui: UiStack
  let page: Page
  let lab: Lab
  const problems: string[] = []
  const shownLabels = async (): Promise<string[]> => (await page.locator('tbody tr[data-run-id] td:nth-child(4)').allTextContents()).map((t) => t.trim()).sort()
  const filter = (text: string): Promise<void> => page.getByLabel('Filter runs').fill(text)

  beforeAll(async () => {
    ui = await startUiStack({ tag: 'e2e runs filter', problems, seed: (db) => seedPruneSweep(db) })
    ;({ page, lab } = ui)
    await page.goto(ui.server.pageUrl)
    await page.goto(new URL('#/runs', ui.server.url).href)
    await page.locator('tbody tr[data-run-id]').nth(6).waitFor({ timeout: 30_000 })
  }, 120_000)

  afterAll(() => stopUiStack(ui ?? {}))

  it('asks for the newest runs while the page is still parsed, and paints the table from that one answer', async () => {
    const firstPage: string[] = []
    const onRequest = (r: { url(): string; postData(): string | null }): void => {
      if (r.url().endsWith('/api/runs.list') && /"limit":100\b/.test(r.postData() ?? '')) firstPage.push(r.postData() ?? '')
    }
    page.on('request', onRequest)
    try {
      await page.goto('about:blank')
      await page.goto(new URL('#/runs', ui.server.url).href)
      await page.locator('tbody tr[data-run-id]').nth(6).waitFor({ timeout: 30_000 })
      // The early request is a classic script in the head (src-renderer/prefetch.ts): it runs while
      // the document is parsed, before any module script could (those wait for the parse's end).
      const timing = await page.evaluate(`(() => {
        const request = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/runs.list'))
        return { requestStart: request ? request.startTime : null, parsed: performance.getEntriesByType('navigation')[0].domInteractive }
      })()`)
      const { requestStart, parsed } = timing as { requestStart: number | null; parsed: number }
      expect(requestStart).not.toBeNull()
      expect(requestStart!).toBeLessThanOrEqual(parsed)
      // The runs store took that answer instead of asking again.
      expect(firstPage).toHaveLength(1)
      expect(problems).toEqual([])
    } finally {
      page.off('request', onRequest)
    }
  }, 60_000)

  it('narrows the table by a query on results and parameters, run by the lab', async () => {
    await filter('test.accuracy > 0.97')
    await expect.poll(shownLabels, { timeout: 10_000 }).toEqual(['parent seed 0', 'prune l1 ratio=0.25 seed 0', 'prune taylor ratio=0.25 seed 0'])
    await filter('method.criterion in taylor,l1 and method.target.ratio = 0.5')
    await expect.poll(shownLabels, { timeout: 10_000 }).toEqual(['prune l1 ratio=0.5 seed 0', 'prune taylor ratio=0.5 seed 0'])
    await expect.poll(() => page.locator('.summary').textContent()).toMatch(/^\s*2 runs of 7/)
    // The query is in the address, like the rest of the table.
    await expect.poll(() => new URLSearchParams(page.url().split('?')[1]).get('q')).toBe('method.criterion in taylor,l1 and method.target.ratio = 0.5')
    await page.screenshot({ path: join(SHOTS, 'runs-filter-query.png') })
    // What the same text gives over the contract: the window shows the lab's answer.
    const { total } = await lab.call('runs.list', { where: 'method.criterion in taylor,l1 and method.target.ratio = 0.5' })
    expect(total).toBe(2)
    expect(problems).toEqual([])
  }, 60_000)

  it('says what is wrong with a query; words stay a text filter', async () => {
    await filter('test.accuracy >')
    const help = page.locator('#runs-filter-help')
    await expect.poll(() => help.textContent()).toBe("expected a value after 'test.accuracy >' at the end")
    expect(await page.getByLabel('Filter runs').getAttribute('aria-invalid')).toBe('true')
    expect(await page.getByRole('alert').filter({ hasText: 'expected a value' }).count()).toBe(1)
    await filter('ratio=0.25')
    // `ratio` names nothing the runs have: the text is looked for in the labels instead.
    await expect.poll(() => help.textContent()).toBe("No run has 'ratio': matching the text instead.")
    await expect.poll(shownLabels).toEqual(['prune l1 ratio=0.25 seed 0', 'prune random ratio=0.25 seed 0', 'prune taylor ratio=0.25 seed 0'])
    await filter('random')
    await expect.poll(shownLabels).toEqual(['prune random ratio=0.25 seed 0', 'prune random ratio=0.5 seed 0'])
    expect(await page.getByLabel('Filter runs').getAttribute('aria-invalid')).toBeNull()
    expect(problems).toEqual([])
  }, 60_000)

  it('scrolls an added column into view, and the page never gets a scrollbar of its own', async () => {
    await filter('')
    const scroller = page.locator('.grid-scroll')
    expect(await scroller.evaluate((el) => el.scrollLeft)).toBe(0)
    await page.getByLabel('Add a column').selectOption('param:method.criterion')
    const header = page.locator('thead th[data-column="param:method.criterion"]')
    await expect.poll(() => header.count()).toBe(1)
    const inView = (): Promise<boolean> =>
      header.evaluate((th) => {
        const box = th.getBoundingClientRect()
        const frame = th.closest('.grid-scroll')!.getBoundingClientRect()
        return box.left >= frame.left - 1 && box.right <= frame.right + 1
      })
    await expect.poll(inView).toBe(true)
    expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0)
    const pageScrolls = (): Promise<{ x: boolean; y: boolean }> =>
      page.evaluate('(({ scrollWidth, clientWidth, scrollHeight, clientHeight }) => ({ x: scrollWidth > clientWidth, y: scrollHeight > clientHeight }))(document.documentElement)')
    expect(await pageScrolls()).toEqual({ x: false, y: false })
    // Smaller windows too: the table shrinks, the page does not scroll.
    await page.setViewportSize({ width: 1100, height: 700 })
    await expect.poll(pageScrolls).toEqual({ x: false, y: false })
    await page.screenshot({ path: join(SHOTS, 'runs-added-column.png') })
    await page.setViewportSize({ width: 1400, height: 900 })
    expect(problems).toEqual([])
  }, 60_000)
})
