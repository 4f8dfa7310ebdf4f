/**
 * Shipping what was compressed, in the window (issue 19), in Chromium against the real server and
 * lab, on one real tiny chain (200 digits, one epoch, one seed): train an mlp 16 → prune it (l1,
 * half the units) → quantize the pruned model to int8 with calibrated activations.
 * - item 3/4: the Deployment card of the quantize run and of the pruning stage: ONNX Runtime's
 *   latency of the run and its parent in every configuration beside the TF.js backend's, the
 *   weight bytes and ONNX Runtime's accuracy; and the export of the run's model to ONNX from there;
 * - item 1: the Sweeps view shows the stages side by side in lineage order, and saves them as
 *   `complab export --matrix seeds` writes them (the lab's `export.matrix`).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatMetric, readableNumber } from '../../src-shared/metrics'
import { statCell } from '../../src-shared/stat-format'
import type { RunSummary } from '../../src-shared/types'
import { chromiumMissing, useUiStack } from './chromium'

const noChromium = chromiumMissing('e2e deployment')

const SPEC = {
  name: 'e2e-deploy-chain',
  dataset: { name: 'mnist-10k', trainLimit: 200 },
  training: { epochs: 1, batchSize: 50 },
  model: { arch: 'mlp', hidden: [16] },
  method: {
    kind: 'quantize',
    scheme: 'int8',
    activations: 'static',
    calibration: { examples: 64 },
    parent: { source: 'stage', method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.5 }, fineTuneSteps: 1, finalEpochs: 0 } },
  },
}

/** A matrix cell as the window writes it (`scalar` in src-renderer/format.ts). */
const cellText = (v: string | number | null | undefined): string => (typeof v === 'number' ? readableNumber(v) : (v ?? '—'))

const ORT_ROWS = ['batch 1, 1 thread', 'batch 64, 1 thread', 'batch 1, all cores', 'batch 64, all cores']

describe.skipIf(Boolean(noChromium))('deployment card and compression stages (browser mode)', () => {
  let experimentId = 0
  let runs: RunSummary[] = []
  const problems: string[] = []
  const ui = useUiStack({ tag: 'e2e deployment', problems, acceptDownloads: true })
  const open = (hash: string): Promise<unknown> => ui.page.goto(new URL(hash, ui.server.url).href)
  const byMethod = (method: string): RunSummary => runs.find((r) => r.method === method)!

  beforeAll(async () => {
    experimentId = (await ui.lab.call('experiments.launch', { spec: SPEC })).experimentId
    await ui.lab.idle(experimentId)
    runs = (await ui.lab.call('runs.list', { limit: 100 })).rows.filter((r) => r.experimentId === experimentId)
    await ui.page.goto(ui.server.pageUrl)
    expect(runs.map((r) => `${r.role} ${r.method} ${r.status}${r.error ? `: ${r.error}` : ''}`).sort()).toEqual(['parent train finished', 'pruned prune finished', 'pruned quantize finished'])
  }, 240_000)

  /** The latency table's rows as [where, parent, this run, speed-up]. */
  async function latencyRows(): Promise<string[][]> {
    const table = ui.page.getByRole('table', { name: 'Inference latency per batch (median)' })
    await table.waitFor({ timeout: 15_000 })
    const rows = table.locator('tbody tr')
    const out: string[][] = []
    for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).locator('th, td').allTextContents()).map((t) => t.trim()))
    return out
  }

  it('3, 4: a quantize run’s page shows ONNX Runtime’s latency beside the TF.js backend’s, its bytes and ONNX Runtime’s accuracy, and exports its model', async () => {
    problems.length = 0
    const q = byMethod('quantize')
    const r = q.results
    await open(`#/runs/${q.id}`)
    const card = ui.page.getByRole('region', { name: 'Deployment' })
    await card.waitFor({ timeout: 15_000 })
    const rows = await latencyRows()
    expect(rows[0]).toEqual([`TF.js backend, batch ${r['latency.batch']}`, formatMetric('latency.ms', r['parent.latency.ms']), formatMetric('latency.ms', r['latency.ms']), formatMetric('speedup', r['parent.latency.ms'] / r['latency.ms'])])
    expect(rows.slice(1).map((row) => row[0])).toEqual(ORT_ROWS.map((c) => `ONNX Runtime CPU, ${c}`))
    for (const [i, key] of ['b1.t1', 'b64.t1', 'b1.tall', 'b64.tall'].entries()) {
      expect(r[`ort.latency.${key}.ms`], key).toBeGreaterThan(0)
      expect(rows[i + 1].slice(1)).toEqual([
        formatMetric(`ort.latency.${key}.ms`, r[`parent.ort.latency.${key}.ms`]),
        formatMetric(`ort.latency.${key}.ms`, r[`ort.latency.${key}.ms`]),
        formatMetric(`ort.speedup.${key}`, r[`ort.speedup.${key}`]),
      ])
    }
    const sizes = Object.fromEntries(
      await card.locator('dl.sizes > div').evaluateAll((divs) => divs.map((d) => [d.querySelector('dt')?.textContent ?? '', d.querySelector('dd')?.textContent ?? ''])),
    )
    expect(r['weights.bytes']).toBeLessThan(r['parent.weights.bytes'])
    for (const key of ['weights.bytes', 'parent.weights.bytes', 'weights.compression', 'test.accuracy', 'ort.test.accuracy']) expect(sizes[key], key).toBe(formatMetric(key, r[key]))

    // Export to ONNX from the card: the file lands in the lab's data folder, and is listed.
    await card.getByRole('button', { name: 'Export model' }).click()
    const written = card.getByRole('list', { name: 'Exported files' })
    await written.waitFor({ timeout: 30_000 })
    const listed = (await written.locator('li.mono').allTextContents())[0]
    expect(listed).toMatch(new RegExp(`exports/run-${q.id}-onnx/.+\\.onnx \\([\\d,]+ B\\)$`))
    const path = listed.replace(/ \([\d,]+ B\)$/, '')
    const file = existsSync(path) ? path : join(ui.dir, 'data', path)
    expect(readFileSync(file).byteLength).toBe(Number(/\(([\d,]+) B\)$/.exec(listed)![1].replace(/,/g, '')))
    expect(problems).toEqual([])
  }, 90_000)

  it('4: the pruning stage’s page shows ONNX Runtime’s latency of the pruned model against its parent', async () => {
    problems.length = 0
    const p = byMethod('prune')
    await open(`#/runs/${p.id}`)
    const rows = await latencyRows()
    expect(rows.map((row) => row[0])).toEqual([`TF.js backend, batch ${p.results['latency.batch'] ?? 64}`, ...ORT_ROWS.map((c) => `ONNX Runtime CPU, ${c}`)])
    expect(rows[1][3]).toBe(formatMetric('ort.speedup.b1.t1', p.results['ort.speedup.b1.t1']))
    expect(problems).toEqual([])
  }, 60_000)

  it('1: the Sweeps view shows the stages side by side in lineage order, and saves them as `complab export --matrix seeds` does', async () => {
    problems.length = 0
    await open(`#/sweeps?experiment=${experimentId}`)
    const table = ui.page.getByRole('table', { name: 'Compression stages' })
    await table.waitFor({ timeout: 20_000 })
    const heads = (await table.locator('thead th').allTextContents()).map((t) => t.trim())
    expect(heads.slice(0, 4)).toEqual(['role', 'configuration', 'stage', 'from'])
    expect(heads).toEqual(expect.arrayContaining(['weights.bytes (B)', 'origin.compression (×)', 'origin.accuracy.change (pp)', 'ort.test.accuracy (%)']))
    const cells = async (i: number): Promise<string[]> => (await table.locator('tbody tr').nth(i).locator('th, td').allTextContents()).map((t) => t.trim())
    expect((await cells(0)).slice(1, 4)).toEqual(['unpruned mlp', '1 train', '—'])
    expect((await cells(1)).slice(2, 4)).toEqual(['2 prune', 'unpruned mlp'])
    expect((await cells(2)).slice(2, 4)).toEqual(['3 quantize', 'prune l1'])
    // Every cell as the lab's seeds matrix has it (the quantize run's ratio against the float parent among them).
    const lab = await ui.lab.call('compare.matrix', { experimentId, kind: 'seeds' })
    for (let i = 0; i < 3; i++) expect(await cells(i)).toEqual(lab.table!.columns.map((c) => cellText(lab.table!.rows[i][c.key])))
    const ratio = lab.table!.rows[2]['x.origin.compression']
    expect(ratio).toBe(statCell('ratio', { mean: byMethod('quantize').results['origin.compression'], std: null }))
    await ui.page.getByLabel('Export format for compression stages').selectOption('md')
    const [download] = await Promise.all([ui.page.waitForEvent('download'), ui.page.getByRole('button', { name: 'Save compression stages as Markdown' }).click()])
    const cli = await ui.lab.call('export.matrix', { experimentId, kind: 'seeds', format: 'md' })
    expect(readFileSync(await download.path(), 'utf8')).toBe(cli.content)
    expect(problems).toEqual([])
  }, 60_000)
})
