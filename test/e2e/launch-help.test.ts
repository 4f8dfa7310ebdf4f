/**
 * The Launch form's help and guards in Chromium (issue 18 item 14): every field says what it is
 * (the spec schema's descriptions), a pruning spec's layers are picked from the planned model's
 * (`specs.layers`), and an example does not replace edits without asking.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumMissing, SHOTS, startUiStack, stopUiStack, type UiStack } from './chromium'

const noChromium = chromiumMissing('e2e launch help')

describe.skipIf(Boolean(noChromium))('Launch form: help, layer picker, confirmation (browser mode)', () => {
  let ui: UiStack
  let page: Page
  const problems: string[] = []
  /** The text of the elements that describe a control (its `aria-describedby`). */
  const description = async (label: string): Promise<string> => {
    const ids = ((await page.getByLabel(label, { exact: true }).first().getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean)
    return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ').trim()
  }
  const specJson = async (): Promise<Record<string, Record<string, unknown>>> => {
    await page.getByRole('switch', { name: 'Edit as JSON' }).check()
    const spec = JSON.parse(await page.getByLabel('Spec (JSON)').inputValue()) as Record<string, Record<string, unknown>>
    await page.getByRole('switch', { name: 'Edit as JSON' }).uncheck()
    return spec
  }

  beforeAll(async () => {
    ui = await startUiStack({ tag: 'e2e launch help', problems })
    page = ui.page
    await page.goto(ui.server.pageUrl)
    await page.goto(new URL('#/launch', ui.server.url).href)
    await page.getByLabel('Epochs', { exact: true }).waitFor()
  }, 120_000)

  afterAll(() => stopUiStack(ui ?? {}))

  it('says what each field is, from the spec schema', async () => {
    expect(await description('Epochs')).toBe('Passes over the training split.')
    expect(await description('Train limit')).toBe('Use only the first N training examples after the seeded shuffle (scarce-label studies).')
    expect(await page.getByText('A multilayer perceptron: dense hidden layers, then the classes.').count()).toBe(1)
    const { help } = await page.evaluate('({ help: document.querySelectorAll(".help").length })') as { help: number }
    expect(help).toBeGreaterThan(8)
    expect(problems).toEqual([])
  }, 60_000)

  it('picks the layers to prune from the planned model, and asks before an example replaces edits', async () => {
    await page.getByLabel('Load an example').selectOption('prune-lenet-mnist')
    const picker = page.getByRole('group', { name: /^Layers/ })
    await expect.poll(() => picker.getByRole('checkbox').count(), { timeout: 15_000 }).toBe(4)
    expect((await picker.locator('label').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
      'conv2d_Conv2D1 6 units',
      'conv2d_Conv2D2 16 units',
      'dense_Dense1 120 units',
      'dense_Dense2 84 units',
    ])
    expect(await picker.getByRole('checkbox', { name: 'conv2d_Conv2D2 16 units' }).isChecked()).toBe(true)
    await picker.getByRole('checkbox', { name: 'dense_Dense1 120 units' }).check()
    expect((await specJson()).method.layers).toEqual(['conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1'])
    await page.screenshot({ path: join(SHOTS, 'launch-layers.png'), fullPage: true })

    // The form has edits: another example asks first; keeping them keeps the spec as it was.
    await page.getByLabel('Load an example').selectOption('kd-mnist')
    const dialog = page.getByRole('dialog', { name: 'Replace your edits with the example kd-mnist?' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Keep my edits' }).click()
    expect((await specJson()).method.layers).toEqual(['conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1'])
    await page.getByLabel('Load an example').selectOption('kd-mnist')
    await dialog.getByRole('button', { name: 'Replace' }).click()
    await expect.poll(async () => (await specJson()).method.kind, { timeout: 20_000 }).toBe('distill')
    // Not edited since: the next example loads without a question.
    await page.getByLabel('Load an example').selectOption('prune-lenet-mnist')
    await expect.poll(async () => (await specJson()).method.kind, { timeout: 20_000 }).toBe('prune')
    expect(await page.getByRole('dialog').count()).toBe(0)
    expect(problems).toEqual([])
  }, 60_000)
})
