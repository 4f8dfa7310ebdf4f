/**
 * Remote workers in the window (issue 17 item 7), in Chromium against the real server and a lab
 * that sends its runs through BullMQ on a real redis-server to a real `complab worker` process:
 * the System page lists the worker (name, host, backend, runs done, last heartbeat), the run page
 * shows the attempts card (attempt and worker), and the runs table the worker column.
 */
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, type TestWorker } from '../helpers/queue-workers'
import { HAVE_REDIS, startRedis, type TestRedis } from '../helpers/redis-server'
import { chromiumMissing, SHOTS, useUiStack } from './chromium'

const noChromium = chromiumMissing('e2e queue workers')

describe.skipIf(Boolean(noChromium) || !HAVE_REDIS)('remote workers in the window (browser mode)', () => {
  let redis: TestRedis
  let worker: TestWorker
  let runId = 0
  const problems: string[] = []
  const options: Parameters<typeof useUiStack>[0] = { tag: 'e2e queue workers', problems }
  beforeAll(async () => {
    redis = await startRedis()
    options.queue = { url: redis.url, attempts: 3, checkMs: 300 }
  }, 30_000)
  const ui = useUiStack(options)
  const open = (hash: string): Promise<unknown> => ui.page.goto(new URL(hash, ui.server.url).href)

  beforeAll(async () => {
    worker = await startWorker(redis.url, 'e2e-box')
    const spec = { name: 'e2e-remote', dataset: { name: 'mnist-10k', trainLimit: 100 }, model: { arch: 'mlp', hidden: [4] }, training: { epochs: 1 } }
    const { experimentId, runIds } = await ui.lab.call('experiments.launch', { spec })
    runId = runIds[0]
    await ui.lab.idle(experimentId)
    expect((await ui.lab.call('runs.get', { id: runId })).status).toBe('finished')
    await ui.page.goto(ui.server.pageUrl)
  }, 180_000)
  afterAll(async () => {
    await worker?.kill('SIGTERM')
    await redis?.stop()
  })

  it('the System page lists the worker; the run page and the runs table show where the run trained', async () => {
    problems.length = 0
    await open('#/system')
    const card = ui.page.getByRole('region', { name: 'Remote workers' })
    await card.waitFor({ timeout: 30_000 })
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain(redis.url.replace(redis.password, '***'))
    const row = card.getByTestId('queue-worker')
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1)
    // The worker writes its entry when it takes or ends a run; the lab may store the result a moment before.
    const rowCells = async (): Promise<string[]> => (await row.locator('th, td').allTextContents()).map((c) => c.trim())
    await expect.poll(async () => (await rowCells()).slice(0, 4), { timeout: 10_000 }).toEqual(['e2e-box', hostname(), 'wasm', 'idle'])
    const cells = await rowCells()
    expect(cells[4]).toMatch(/\d/) // the last heartbeat, as a time
    expect(cells[5].trim()).toBe('1')
    expect(await card.textContent()).not.toContain(redis.password)
    await ui.page.screenshot({ path: join(SHOTS, 'queue-workers.png'), fullPage: true })

    await open(`#/runs/${runId}`)
    const attempts = ui.page.getByRole('region', { name: 'Remote worker' })
    await attempts.waitFor({ timeout: 15_000 })
    await expect.poll(() => attempts.getByTestId('run-attempt').textContent()).toBe('1')
    expect(await attempts.getByTestId('run-worker').textContent()).toBe('e2e-box')
    expect(await attempts.textContent()).toContain('queue complab')

    await open('#/runs')
    const table = ui.page.getByRole('table', { name: 'Runs' })
    await table.locator(`tbody tr[data-run-id="${runId}"]`).waitFor({ timeout: 15_000 })
    // Remote runs bring the worker column by themselves (at the end: it may need a scroll).
    // Header texts end with the sort sign (↕, ▲, ▼).
    const heads = async (): Promise<string[]> => (await table.locator('thead th').allTextContents()).map((t) => t.trim().replace(/[↕▲▼]$/, ''))
    await expect.poll(heads, { timeout: 10_000 }).toContain('Worker')
    const runCells = (await table.locator(`tbody tr[data-run-id="${runId}"] td`).allTextContents()).map((t) => t.trim())
    expect(runCells[(await heads()).indexOf('Worker')]).toBe('e2e-box')
    expect(problems).toEqual([])
  }, 120_000)
})
