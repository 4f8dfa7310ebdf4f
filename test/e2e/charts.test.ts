/**
 * Charts made for compression questions, in Chromium (issue 18 item 9): on a seeded pruning sweep
 * the Pareto chart colours runs by criterion, names the front, draws the parent as a reference
 * line, opens a run when its point is clicked and saves a 2× PNG with title and legend; the sweep
 * in parallel coordinates; and a real (tiny) pruning run's curves one unit per chart, the pruning
 * curves against the pruning step.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumMissing, SHOTS, startUiStack, stopUiStack, type UiStack } from './chromium'
import { seedPruneSweep } from './seeded-lab'

const noChromium = chromiumMissing('e2e charts')

describe.skipIf(Boolean(noChromium))('charts (browser mode)', () => {
  let ui: UiStack
  let page: Page
  let pruneRun = 0
  const problems: string[] = []
  const open = (hash: string): Promise<unknown> => page.goto(new URL(hash, ui.server.url).href)
  const pareto = (): ReturnType<Page['locator']> => page.getByRole('img', { name: 'Pareto front: test.accuracy against params' })
  const runPoints = async (): Promise<{ runId: number; x: number; y: number }[]> => JSON.parse((await pareto().getAttribute('data-run-points')) ?? '[]')

  beforeAll(async () => {
    ui = await startUiStack({ tag: 'e2e charts', problems, seed: (db) => seedPruneSweep(db), acceptDownloads: true })
    page = ui.page
    const launched = await ui.lab.call('experiments.launch', {
      spec: { name: 'e2e-prune', dataset: { name: 'mnist-10k', trainLimit: 200 }, training: { epochs: 1, batchSize: 50 }, model: { arch: 'mlp', hidden: [8] }, method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.5 }, unitsPerStep: 2, fineTuneSteps: 1, finalEpochs: 0 } },
    })
    pruneRun = launched.runIds[launched.runIds.length - 1]
    await ui.lab.idle(launched.experimentId)
    await page.goto(ui.server.pageUrl)
  }, 300_000)

  afterAll(() => stopUiStack(ui ?? {}))

  it('Pareto: runs coloured by criterion, the front named, the parent a reference line, a point opens its run, a 2× PNG', async () => {
    await open('#/sweeps?experiment=1')
    await expect.poll(async () => [...new Set((await runPoints()).map((p) => p.runId))].sort(), { timeout: 20_000 }).toEqual([2, 3, 4, 5, 6, 7])
    // The parent (run 1) is a line, not a point; "lines" says which.
    expect(await page.locator('.pareto').textContent()).toMatch(/lines: parent/)
    // Each criterion its own colour: the pixels under two l1 points and a random one (off the front,
    // which is drawn over its points in its own colour).
    const colourAt = (x: number, y: number): Promise<string> =>
      pareto().evaluate((el, [px, py]) => {
        const c = el as unknown as { getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } }
        const d = c.getContext('2d').getImageData(px, py, 1, 1).data
        return `${d[0]},${d[1]},${d[2]}`
      }, [x, y])
    const points = await runPoints()
    const at = (id: number): { x: number; y: number } => points.filter((p) => p.runId === id).pop()!
    const [l1a, l1b, random] = await Promise.all([4, 5, 6].map((id) => colourAt(at(id).x, at(id).y)))
    expect(l1a).toBe(l1b)
    expect(random).not.toBe(l1a)
    await page.screenshot({ path: join(SHOTS, 'charts-pareto.png'), fullPage: true })

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save the chart Pareto front: test.accuracy against params as PNG' }).click()])
    const png = PNG.sync.read(readFileSync(await download.path()))
    const size = await pareto().evaluate((el) => ({ w: (el as unknown as { clientWidth: number }).clientWidth, h: (el as unknown as { clientHeight: number }).clientHeight }))
    expect([png.width, png.height]).toEqual([2 * size.w, 2 * (size.h + 28)])

    const box = (await pareto().boundingBox())!
    await page.mouse.click(box.x + at(4).x, box.y + at(4).y)
    await expect.poll(() => page.url()).toMatch(/#\/runs\/4$/)
    expect(problems).toEqual([])
  }, 90_000)

  it('draws the sweep in parallel coordinates, a line per run that opens it', async () => {
    await open('#/sweeps?experiment=1&rows=method.target.ratio')
    const svg = page.getByRole('img', { name: 'Parallel coordinates of 7 runs over method.criterion, method.kind, method.target.ratio, test.accuracy' })
    await svg.waitFor({ timeout: 20_000 })
    expect(await svg.locator('path.run-line').count()).toBe(7)
    expect((await page.locator('.parallel .legend .swatch').allTextContents()).map((t) => t.trim())).toEqual(['l1', 'random', 'taylor', 'train'])
    await page.locator('.parallel').screenshot({ path: join(SHOTS, 'charts-parallel.png') })
    // A line is a link: from the keyboard too.
    await svg.locator('path[data-run-id="3"]').focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.url()).toMatch(/#\/runs\/3$/)
    expect(problems).toEqual([])
  }, 60_000)

  it('a pruning run’s curves: one unit per chart, pruning curves against the pruning step', async () => {
    await open(`#/runs/${pruneRun}`)
    const titles = async (): Promise<string[]> => (await page.locator('.chart-card h2').allTextContents()).map((t) => t.trim())
    await expect.poll(titles, { timeout: 20_000 }).toEqual(expect.arrayContaining(['Count curves by pruning step (count)', 'Accuracy curves by pruning step (%)', 'Latency curves by pruning step (ms)']))
    const all = await titles()
    // Parameters (a count) and latency (ms) never share an axis.
    expect(all.filter((t) => /Latency|Count/.test(t)).every((t) => !/Latency.*count|Count.*ms/.test(t))).toBe(true)
    const count = page.getByRole('img', { name: 'Count curves by pruning step (count)' })
    expect(await count.count()).toBe(1)
    // Curves that never reach 0 offer a log scale (latency); a count that starts at 0 does not.
    await page.getByLabel('Log scale for Latency curves by pruning step (ms)').check()
    expect(await page.getByLabel('Log scale for Count curves by pruning step (count)').count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'charts-run-curves.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 60_000)
})
