/**
 * What the browser-mode e2e specs share: where Chromium is (Debian's /usr/bin/chromium, never a
 * downloaded one), how it is launched, where screenshots go, and the page watcher that collects
 * console errors, CSP violations and uncaught exceptions (each spec expects none).
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import { PROJECT_ROOT } from '../../src-main/server/renderer-build'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Screenshots of the e2e specs (created on first use). */
export const SHOTS = join(PROJECT_ROOT, 'test-results', 'e2e')

/** Why the browser specs cannot run here ('' when they can); says so once under `tag`. */
export function chromiumMissing(tag: string): string {
  const why = existsSync(CHROMIUM) ? '' : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`
  if (why) console.warn(`[${tag}] skipped: ${why}`)
  return why
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true })
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 })
}

/** Records the page's console errors, CSP reports and uncaught exceptions in `problems`. */
export function watchProblems(page: Page, name: string, problems: string[]): void {
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`${name}: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`${name}: ${e.message}`))
}
