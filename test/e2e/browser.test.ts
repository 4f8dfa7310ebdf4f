/**
 * The real UI in Chromium against the real server and lab (DESIGN §9): a tiny distillation
 * experiment (MLP teacher [32], student [16], T = 2, with the baseline, 2 epochs on 300 digits)
 * is launched through the API while the pages are open, so everything the pages show arrives by
 * pushed events: the runs table reaching `finished`, progress bars, and a run page whose curves
 * are drawn live. Screenshots go to test-results/e2e/.
 *
 * The built renderer is needed: `npm test` builds the app first (electron-vite build); run alone,
 * this file builds just the renderer in beforeAll when out/renderer is missing.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LaunchResult } from '../../src-shared/contract'
import type { RunSummary } from '../../src-shared/types'
import { createLab } from '../../src-main/lab'
import type { Lab } from '../../src-main/lab/types'
import { startServer, type RunningServer } from '../../src-main/server'
import { PROJECT_ROOT, ensureRendererBuilt } from '../../src-main/server/renderer-build'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SHOTS = join(PROJECT_ROOT, 'test-results', 'e2e')
const noChromium = existsSync(CHROMIUM) ? '' : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`
if (noChromium) console.warn(`[e2e browser] skipped: ${noChromium}`)

const spec = {
  name: 'e2e-kd',
  description: 'Tiny distillation for the browser test',
  dataset: { name: 'mnist-10k', trainLimit: 300 },
  model: { arch: 'mlp', hidden: [16] },
  training: { epochs: 2, batchSize: 64, learningRate: 0.003 },
  method: {
    kind: 'distill',
    temperature: 2,
    baseline: true,
    teacher: { source: 'train', model: { arch: 'mlp', hidden: [32] } },
  },
}

/** The few canvas members the pixel checks use (this project's Node tsconfig has no DOM lib). */
interface Canvas2d {
  width: number
  height: number
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null
}

/** Pixels of the first matching canvas: how many are drawn at all, and how many are coloured. */
async function canvasPixels(page: Page, selector: string): Promise<{ drawn: number; coloured: number }> {
  return page.locator(selector).first().evaluate((el) => {
    const canvas = el as unknown as Canvas2d
    const ctx = canvas.getContext('2d')
    if (!ctx || canvas.width === 0 || canvas.height === 0) return { drawn: 0, coloured: 0 }
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
    let drawn = 0
    let coloured = 0
    for (let i = 0; i < data.length; i += 4) {
      const r = data[i]
      const g = data[i + 1]
      const b = data[i + 2]
      const a = data[i + 3]
      if (a !== 0) drawn++
      // Grid lines and labels are grey; a curve is a saturated colour.
      if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++
    }
    return { drawn, coloured }
  })
}

describe.skipIf(Boolean(noChromium))('UI in Chromium (browser mode)', () => {
  let dir: string
  let lab: Lab
  let server: RunningServer
  let staticDir: string
  let browser: Browser
  const problems: string[] = []

  const watch = (page: Page, name: string): void => {
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`${name}: ${m.text()}`)
    })
    page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`))
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    // No stale pictures from an earlier run next to this run's.
    for (const shot of ['runs-running.png', 'runs-finished.png', 'run-detail.png', 'system.png']) rmSync(join(SHOTS, shot), { force: true })
    staticDir = await ensureRendererBuilt((line) => console.log(`[e2e browser] ${line}`))
    dir = mkdtempSync(join(tmpdir(), 'complab-e2e-'))
    // Two at once: the baseline trains while the teacher does; the student waits for the teacher.
    lab = await createLab({ dataDir: join(dir, 'data'), dbPath: join(dir, 'lab.db'), concurrency: 2 })
    // A token, as a server off loopback would have: the page must carry it through.
    server = await startServer({ lab, staticDir, requireToken: true })
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 })
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await lab?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('follows a live experiment to the end: runs table, progress, and the run page curves', async () => {
    problems.length = 0
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
    const runsPage = await context.newPage()
    watch(runsPage, 'runs page')
    await runsPage.goto(server.pageUrl)
    const table = runsPage.getByRole('table', { name: 'Runs' })
    await expect.poll(() => table.isVisible(), { timeout: 30_000 }).toBe(true)
    // The token went from the address bar into the tab; the page keeps working without it.
    expect(runsPage.url()).not.toContain('token=')
    await runsPage.getByText('No runs yet').waitFor({ timeout: 15_000 })

    // Launch through the API, as another client would; the open page learns of it by events.
    const res = await fetch(new URL('api/experiments.launch', server.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ spec }),
    })
    const launched = (await res.json()) as { ok: boolean; data: LaunchResult }
    expect(launched.ok).toBe(true)
    expect(launched.data.runIds).toHaveLength(3)
    const list = (await lab.call('runs.list', {})).rows as RunSummary[]
    const student = list.find((r) => r.method === 'distill')
    expect(student).toBeDefined()

    // A second tab on the distilled student's page before it has started: all of it arrives live.
    const runPage = await context.newPage()
    watch(runPage, 'run page')
    await runPage.goto(new URL(`#/runs/${student!.id}`, server.url).href)
    await runPage.getByRole('heading', { level: 1, name: new RegExp(`Run ${student!.id}`) }).waitFor({ timeout: 15_000 })

    const rows = table.locator('tbody tr[data-run-id]')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(3)
    // Progress bars are real progressbars; catch one mid-run if the timing allows.
    const bars = runsPage.getByRole('progressbar')
    await expect.poll(() => bars.count()).toBe(3)
    const finished = table.locator('tbody tr[data-run-id] .status-finished')
    const ended = table.locator('tbody tr[data-run-id]').locator('.status-finished, .status-failed, .status-cancelled, .status-interrupted')
    const midway = async (): Promise<boolean> => {
      const values = await Promise.all((await bars.all()).map((b) => b.getAttribute('aria-valuenow')))
      return values.some((v) => Number(v) > 0 && Number(v) < 100)
    }
    let seenMidway = false
    for (const end = Date.now() + 60_000; Date.now() < end && !seenMidway && (await ended.count()) < 3; ) {
      seenMidway = await midway()
      if (!seenMidway) await runsPage.waitForTimeout(100)
    }
    if (seenMidway) await runsPage.screenshot({ path: join(SHOTS, 'runs-running.png'), fullPage: true })
    else console.log('[e2e browser] no run was caught mid-way (they finished between two looks)')

    // Every run ends (the page shows it by events alone), and each one finished: a failed run
    // fails here at once, with the lab's own error.
    await expect.poll(() => ended.count(), { timeout: 150_000, interval: 500 }).toBe(3)
    const outcome = ((await lab.call('runs.list', {})).rows as RunSummary[]).map((r) => `#${r.id} ${r.role} ${r.status}${r.error ? `: ${r.error}` : ''}`)
    expect(outcome.filter((line) => !/ finished$/.test(line)), 'runs that did not finish').toEqual([])
    expect(await finished.count()).toBe(3)
    for (const bar of await bars.all()) expect(await bar.getAttribute('aria-valuenow')).toBe('100')
    // Test accuracy arrives with the final status (refetched row): a percentage in every row.
    await expect.poll(async () => (await table.locator('tbody tr[data-run-id] td:last-child').allTextContents()).every((t) => /%$/.test(t.trim())), { timeout: 10_000 }).toBe(true)
    await runsPage.screenshot({ path: join(SHOTS, 'runs-finished.png'), fullPage: true })

    // Sorting by test accuracy changes the order and says so to assistive tech.
    await table.getByRole('button', { name: /Test accuracy/ }).click()
    await expect.poll(() => table.locator('th[aria-sort="descending"]').textContent()).toMatch(/Test accuracy/)
    const accs = (await table.locator('tbody tr[data-run-id] td:last-child').allTextContents()).map((t) => parseFloat(t))
    expect([...accs].sort((a, b) => b - a)).toEqual(accs)

    // The run page followed the student to the end, with its curves drawn.
    await runPage.locator('.badge.status-finished').waitFor({ timeout: 20_000 })
    const canvas = runPage.locator('canvas[role=img]')
    await expect.poll(() => canvas.count(), { timeout: 10_000 }).toBeGreaterThan(0)
    const pixels = await canvasPixels(runPage, 'canvas[role=img]')
    expect(pixels.drawn).toBeGreaterThan(500)
    expect(pixels.coloured).toBeGreaterThan(50)
    await expect.poll(() => runPage.getByRole('table', { name: 'Results' }).textContent(), { timeout: 10_000 }).toMatch(/test\.accuracy/)
    await runPage.screenshot({ path: join(SHOTS, 'run-detail.png'), fullPage: true })

    // Clicking a row in the table opens that run.
    const teacher = list.find((r) => r.role === 'teacher') ?? list[0]
    await table.locator(`tbody tr[data-run-id="${teacher.id}"]`).click()
    await runsPage.getByRole('heading', { level: 1, name: new RegExp(`Run ${teacher.id}`) }).waitFor({ timeout: 10_000 })
    await expect.poll(async () => (await canvasPixels(runsPage, 'canvas[role=img]')).coloured, { timeout: 10_000 }).toBeGreaterThan(50)

    await context.close()
    expect(problems).toEqual([])
  }, 200_000)

  it('shows the system page with the doctor report', async () => {
    problems.length = 0
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    watch(page, 'system page')
    await page.goto(new URL(`?token=${server.token}#/system`, server.url).href)
    await page.getByRole('heading', { name: 'Doctor' }).waitFor({ timeout: 30_000 })
    expect(await page.getByRole('table', { name: 'Doctor' }).locator('tbody tr').count()).toBeGreaterThan(0)
    await expect.poll(() => page.getByRole('table', { name: 'Datasets' }).textContent()).toMatch(/mnist-10k/)
    await page.screenshot({ path: join(SHOTS, 'system.png'), fullPage: true })
    await page.close()
    expect(problems).toEqual([])
  }, 60_000)

  it('refuses the page without the token', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const response = await page.goto(server.url)
    expect(response?.status()).toBe(401)
    await context.close()
  }, 30_000)

  it('reconnects after the server restarts and catches up on what it missed', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(server.pageUrl)
    const rows = page.getByRole('table', { name: 'Runs' }).locator('tbody tr[data-run-id]')
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(0)
    const before = await rows.count()

    const { port, token } = server
    await server.close()
    const banner = page.getByRole('status').filter({ hasText: 'Lost the connection' })
    await banner.waitFor({ timeout: 10_000 })
    // Launched and cancelled while the page cannot hear about it: no event about this run comes
    // later, so only the fresh snapshot taken on reconnecting can show it.
    const offline = await lab.call('experiments.launch', { spec: { name: 'while-offline', dataset: { name: 'mnist-10k', trainLimit: 100 }, model: { arch: 'mlp', hidden: [8] }, training: { epochs: 1 } } })
    await lab.call('runs.cancel', { id: offline.runIds[0] })
    server = await startServer({ lab, staticDir, requireToken: true, token: token!, port })

    await banner.waitFor({ state: 'hidden', timeout: 20_000 })
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(before + 1)
    const row = page.locator(`tbody tr[data-run-id="${offline.runIds[0]}"]`)
    await expect.poll(() => row.textContent()).toMatch(/while-offline.*cancelled/)
    await context.close()
  }, 60_000)
})
