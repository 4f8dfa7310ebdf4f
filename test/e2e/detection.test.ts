/**
 * A detection run in the real UI, in Chromium against the real server (with a token) and lab:
 * the launch form offers the detection datasets, detectors and methods; a tiny `shapes` run of
 * Tiny-YOLO is pasted as JSON and launched; the runs table shows test mAP (in place of test
 * accuracy, as no run has one); the run page shows mAP (all-point and 11-point) and the AP of
 * each class as the lab recorded them, and the preview images, decoded by the browser (the bytes
 * travel through `artifacts.preview`); compare lists test mAP first, as a percentage. Screenshots go to test-results/e2e/.
 *
 * Run alone, this file builds the renderer in beforeAll when out/renderer is missing or stale.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chromiumMissing, SHOTS, useUiStack } from './chromium'

const noChromium = chromiumMissing('e2e detection')

/** Three classes of shapes on 16×16 images, two epochs, three preview images (scaled ×4: 64×64). */
const SPEC = {
  name: 'e2e-detection',
  dataset: { name: 'shapes', imageSize: 16, numClasses: 3, trainSize: 24, testSize: 6 },
  model: { arch: 'tinyYolo', filters: [4, 8], gridFilters: [8], anchors: 1 },
  training: { epochs: 2, batchSize: 8 },
  method: { kind: 'detect', previews: 3 },
}

/** 0.1234 → "12.34%", as the UI writes percentages. */
const pct = (v: number): string => `${(v * 100).toFixed(2)} %`

describe.skipIf(Boolean(noChromium))('a detection run in the UI (browser mode)', () => {
  let runId = 0
  const problems: string[] = []
  const ui = useUiStack({ tag: 'e2e detection', problems })

  it('offers the detection choices in the form, and launches a pasted detection spec', async () => {
    await ui.page.goto(`${ui.server.pageUrl}#/launch`)
    const dataset = ui.page.getByLabel('Dataset: Name')
    await dataset.waitFor({ timeout: 30_000 })
    const options = async (label: string): Promise<string[]> => ui.page.getByLabel(label).locator('option').allTextContents()
    expect(await options('Dataset: Name')).toEqual(expect.arrayContaining(['shapes', 'voc']))
    expect(await options('Model: Arch')).toEqual(expect.arrayContaining(['tinyYolo', 'denseStackedStudent']))
    expect(await options('Method: Kind')).toEqual(expect.arrayContaining(['detect', 'detect-distill']))
    // Chosen field by field, the three make a valid spec of one run.
    await dataset.selectOption('shapes')
    await ui.page.getByLabel('Model: Arch').selectOption('tinyYolo')
    await ui.page.getByLabel('Method: Kind').selectOption('detect')
    await expect.poll(() => ui.page.getByTestId('run-count').textContent(), { timeout: 10_000 }).toBe('1')

    // The tiny version, pasted as JSON, and launched.
    await ui.page.getByRole('switch', { name: 'Edit as JSON' }).check()
    await ui.page.getByLabel('Spec (JSON)').fill(JSON.stringify(SPEC, null, 2))
    await expect.poll(() => ui.page.getByTestId('run-count').textContent(), { timeout: 10_000 }).toBe('1')
    await ui.page.getByRole('button', { name: 'Launch 1 run' }).click()
    await ui.page.waitForURL(/#\/runs\?experiment=\d+/, { timeout: 10_000 })

    const table = ui.page.getByRole('table', { name: 'Runs' })
    const row = table.locator('tbody tr[data-run-id]')
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1)
    runId = Number(await row.getAttribute('data-run-id'))
    const ended = row.locator('.status-finished, .status-failed, .status-cancelled, .status-interrupted')
    await ended.waitFor({ timeout: 180_000 })
    const run = await ui.lab.call('runs.get', { id: runId })
    expect(`${run.status}${run.error ? `: ${run.error}` : ''}`).toBe('finished')

    // The runs table shows the test mAP once a detection run is listed.
    const headers = await table.locator('thead th').allTextContents()
    const mapColumn = headers.findIndex((h) => /Test mAP/.test(h))
    expect(mapColumn, `headers: ${headers.join(' | ')}`).toBeGreaterThan(0)
    // A lab of detectors only: the mAP column stands where test accuracy would.
    expect(headers.some((h) => /Test accuracy/.test(h))).toBe(false)
    await expect.poll(() => row.locator(`td:nth-child(${mapColumn + 1})`).textContent(), { timeout: 10_000 }).toBe(pct(run.results['test.mAP']))
    await ui.page.screenshot({ path: join(SHOTS, 'detection-runs.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 240_000)

  it('shows mAP, per-class AP and the preview images on the run page', async () => {
    expect(runId).toBeGreaterThan(0)
    const run = await ui.lab.call('runs.get', { id: runId })
    await ui.page.getByRole('table', { name: 'Runs' }).locator(`tbody tr[data-run-id="${runId}"] td`).last().click()
    await ui.page.waitForURL(new RegExp(`#/runs/${runId}$`), { timeout: 10_000 })

    await ui.page.getByRole('heading', { name: 'Detection on the test images' }).waitFor({ timeout: 15_000 })
    expect(await ui.page.getByTestId('map').textContent()).toBe(pct(run.results['test.mAP']))
    expect(await ui.page.getByTestId('map11').textContent()).toBe(pct(run.results['test.mAP11']))
    const apTable = ui.page.getByRole('table', { name: 'Average precision per class' })
    const classes = Object.keys(run.results).filter((k) => k.startsWith('test.ap.'))
    expect(classes.length).toBe(3)
    for (const key of classes) {
      const name = key.slice('test.ap.'.length)
      expect(await apTable.locator(`tr[data-class="${name}"] td`).textContent()).toBe(pct(run.results[key]))
    }
    const chart = ui.page.getByRole('img', { name: 'Average precision per class' })
    expect(await chart.evaluate((el) => (el as unknown as { width: number }).width)).toBeGreaterThan(0)

    // Every preview the run saved, decoded by the browser at its real size (16 px × 4).
    const previews = run.artifacts.filter((a) => a.kind === 'preview')
    expect(previews.length).toBe(3)
    const images = ui.page.locator('img[alt^="Test image"]')
    await expect.poll(() => images.count(), { timeout: 15_000 }).toBe(3)
    for (const img of await images.all()) {
      await img.evaluate((el) => (el as unknown as { decode(): Promise<void> }).decode())
      const size = await img.evaluate((el) => {
        const i = el as unknown as { naturalWidth: number; naturalHeight: number; src: string }
        return { w: i.naturalWidth, h: i.naturalHeight, data: i.src.startsWith('data:image/png;base64,') }
      })
      expect(size).toEqual({ w: 64, h: 64, data: true })
    }
    await ui.page.screenshot({ path: join(SHOTS, 'detection-run.png'), fullPage: true })
    expect(problems).toEqual([])
  }, 60_000)

  it('lists test mAP first in compare, as a percentage', async () => {
    const run = await ui.lab.call('runs.get', { id: runId })
    await ui.page.goto(`${ui.server.url}#/compare?ids=${runId}`)
    const results = ui.page.getByRole('table', { name: 'Compare runs' }).locator('tr[data-result]')
    await results.first().waitFor({ timeout: 15_000 })
    expect(await results.first().getAttribute('data-result')).toBe('test.mAP')
    expect((await results.first().locator('td').textContent())?.trim()).toMatch(new RegExp(`${pct(run.results['test.mAP']).replace('.', '\\.')}$`))
    expect(problems).toEqual([])
  }, 60_000)
})
