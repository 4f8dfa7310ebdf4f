/**
 * The run page's pruning groups in the real UI, in Chromium against the real server and lab: a
 * tiny MLP parent is trained and pruned by Taylor in one launch; the pruned run's page lists its
 * dependency groups (members by role, channels before → after, score) as the lab stored them.
 */
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Lab } from '../../src-main/lab/types'
import type { RunningServer } from '../../src-main/server'
import { SHOTS, chromiumMissing, startUiStack, stopUiStack } from './chromium'

const noChromium = chromiumMissing('e2e prune groups')

const SPEC = {
  name: 'e2e-groups',
  dataset: { name: 'mnist-10k', trainLimit: 200, testFraction: 0.05 },
  model: { arch: 'mlp', hidden: [8, 6] },
  training: { epochs: 1, batchSize: 50 },
  method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.3 }, unitsPerStep: 4, fineTuneSteps: 1, finalEpochs: 0 },
}

describe.skipIf(Boolean(noChromium))('pruning groups on the run page (browser mode)', () => {
  let dir: string
  let lab: Lab
  let server: RunningServer
  let browser: Browser
  let page: Page
  const problems: string[] = []

  beforeAll(async () => {
    ;({ dir, lab, server, browser, page } = await startUiStack({ tag: 'e2e prune groups', problems }))
  }, 180_000)

  afterAll(() => stopUiStack({ browser, server, lab, dir }))

  it('lists the groups of a pruned run with their members, channels and scores', async () => {
    const { runIds } = await lab.call('experiments.launch', { spec: SPEC })
    const pruned = runIds[runIds.length - 1]
    await expect
      .poll(async () => (await lab.call('runs.get', { id: pruned })).status, { timeout: 120_000, interval: 500 })
      .toMatch(/finished|failed|cancelled|interrupted/)
    const run = await lab.call('runs.get', { id: pruned })
    expect(`${run.status}${run.error ? `: ${run.error}` : ''}`).toBe('finished')
    const groups = await lab.call('runs.groups', { id: pruned })
    expect(groups.map((g) => g.name)).toEqual(['dense_Dense1', 'dense_Dense2'])

    await page.goto(`${server.pageUrl}#/runs/${pruned}`)
    const card = page.getByRole('region', { name: 'Pruning groups' })
    await card.waitFor({ timeout: 20_000 })
    const rows = card.getByRole('table').locator('tbody tr')
    await expect.poll(() => rows.count()).toBe(2)
    for (const [i, g] of groups.entries()) {
      const cells = await rows.nth(i).locator('td').allTextContents()
      expect(cells[0]).toBe(g.name)
      expect(cells[1]).toContain(`producer ${g.name}`)
      expect(cells[2]).toContain(`${g.unitsBefore} → ${g.unitsAfter}`)
      expect(cells[3]).toBe((g.score as number).toPrecision(3))
    }
    const removed = groups.reduce((a, g) => a + g.unitsBefore - g.unitsAfter, 0)
    expect(removed).toBe(Math.floor(0.3 * 14))
    expect(await card.textContent()).toContain(`${removed} channels removed`)
    await page.screenshot({ path: join(SHOTS, 'prune-groups.png'), fullPage: true })
    // A run without groups (the parent, a training run) shows no card.
    await page.goto(`${server.pageUrl}#/runs/${runIds[0]}`)
    await page.getByRole('heading', { level: 1, name: new RegExp(`Run ${runIds[0]}`) }).waitFor({ timeout: 15_000 })
    expect(await page.getByRole('region', { name: 'Pruning groups' }).count()).toBe(0)
    expect(problems).toEqual([])
  }, 180_000)
})
