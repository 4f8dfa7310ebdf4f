/**
 * The run page's pruning groups in the real UI, in Chromium against the real server and lab: a
 * tiny MLP parent is trained and pruned by Taylor in one launch; the pruned run's page lists its
 * dependency groups (members by role, channels before → after, score) as the lab stored them.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { chromiumMissing, SHOTS, useUiStack } from './chromium'

const noChromium = chromiumMissing('e2e prune groups')

const SPEC = {
  name: 'e2e-groups',
  dataset: { name: 'mnist-10k', trainLimit: 200, testFraction: 0.05 },
  model: { arch: 'mlp', hidden: [8, 6] },
  training: { epochs: 1, batchSize: 50 },
  method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.3 }, unitsPerStep: 4, fineTuneSteps: 1, finalEpochs: 0 },
}

describe.skipIf(Boolean(noChromium))('pruning groups on the run page (browser mode)', () => {
  const problems: string[] = []
  const ui = useUiStack({ tag: 'e2e prune groups', problems })

  it('lists the groups of a pruned run with their members, channels and scores', async () => {
    const { runIds } = await ui.lab.call('experiments.launch', { spec: SPEC })
    const pruned = runIds[runIds.length - 1]
    await expect
      .poll(async () => (await ui.lab.call('runs.get', { id: pruned })).status, { timeout: 120_000, interval: 500 })
      .toMatch(/finished|failed|cancelled|interrupted/)
    const run = await ui.lab.call('runs.get', { id: pruned })
    expect(`${run.status}${run.error ? `: ${run.error}` : ''}`).toBe('finished')
    const groups = await ui.lab.call('runs.groups', { id: pruned })
    expect(groups.map((g) => g.name)).toEqual(['dense_Dense1', 'dense_Dense2'])

    await ui.page.goto(`${ui.server.pageUrl}#/runs/${pruned}`)
    const card = ui.page.getByRole('region', { name: 'Pruning groups' })
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
    await ui.page.screenshot({ path: join(SHOTS, 'prune-groups.png'), fullPage: true })
    // A run without groups (the parent, a training run) shows no card.
    await ui.page.goto(`${ui.server.pageUrl}#/runs/${runIds[0]}`)
    await ui.page.getByRole('heading', { level: 1, name: new RegExp(`Run ${runIds[0]}`) }).waitFor({ timeout: 15_000 })
    expect(await ui.page.getByRole('region', { name: 'Pruning groups' }).count()).toBe(0)
    expect(problems).toEqual([])
  }, 180_000)
})
