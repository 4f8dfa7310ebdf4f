/**
 * What the browser-mode e2e specs share: where Chromium is (Debian's /usr/bin/chromium, never a
 * downloaded one), how it is launched, where screenshots go, the page watcher that collects
 * console errors, CSP violations and uncaught exceptions (each spec expects none), and the
 * lab + server + browser stack they drive.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { createLab } from '../../src-main/lab'
import type { Lab, LabOptions } from '../../src-main/lab/types'
import { startServer, type RunningServer } from '../../src-main/server'
import { ensureRendererBuilt, PROJECT_ROOT } from '../../src-main/server/renderer-build'

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

/** A real lab on a temporary database, the real server (with a token) and a Chromium page on it. */
export interface UiStack {
  dir: string
  lab: Lab
  server: RunningServer
  staticDir: string
  browser: Browser
  context: BrowserContext
  page: Page
}

/**
 * Starts the stack the browser-mode specs drive: builds the renderer when out/renderer is missing
 * or stale, a lab (`concurrency` runs at once) in a fresh temporary folder, the server requiring a
 * token (as one off loopback would), Chromium, and a 1400×900 page whose problems go to `problems`.
 */
export async function startUiStack(o: {
  tag: string
  problems: string[]
  concurrency?: number
  acceptDownloads?: boolean
  /** Writes into the database before the lab opens it (runs a spec needs, without training them). */
  seed?: (dbPath: string) => void
  /** Send runs to remote workers through this queue (issue 17); read when the stack starts. */
  queue?: LabOptions['queue']
}): Promise<UiStack> {
  const staticDir = await ensureRendererBuilt((line) => console.log(`[${o.tag}] ${line}`))
  const dir = mkdtempSync(join(tmpdir(), 'complab-e2e-'))
  o.seed?.(join(dir, 'lab.db'))
  const lab = await createLab({
    dataDir: join(dir, 'data'),
    dbPath: join(dir, 'lab.db'),
    ...(o.concurrency ? { concurrency: o.concurrency } : {}),
    ...(o.queue ? { queue: o.queue } : {}),
  })
  const server = await startServer({ lab, staticDir, requireToken: true })
  const browser = await launchChromium()
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: o.acceptDownloads ?? false })
  const page = await context.newPage()
  watchProblems(page, 'page', o.problems)
  return { dir, lab, server, staticDir, browser, context, page }
}

/** Closes what `startUiStack` started (any part may be missing after a failed start). */
export async function stopUiStack(s: Partial<Pick<UiStack, 'browser' | 'server' | 'lab' | 'dir'>>): Promise<void> {
  await s.browser?.close()
  await s.server?.close()
  await s.lab?.stop()
  if (s.dir) rmSync(s.dir, { recursive: true, force: true })
}

/**
 * The stack of one spec: started by `startUiStack(o)` in a beforeAll of the calling describe (up to
 * 3 minutes, for the renderer build) and stopped in its afterAll. The object returned is empty
 * until then and filled in when the stack is up; the spec's own beforeAll hooks, registered after
 * this call, run after it.
 */
export function useUiStack(o: Parameters<typeof startUiStack>[0]): UiStack {
  const ui = {} as UiStack
  beforeAll(async () => {
    Object.assign(ui, await startUiStack(o))
  }, 180_000)
  afterAll(() => stopUiStack(ui))
  return ui
}

/** Launches one run that trains for minutes (200 epochs): something to cancel. Returns its id. */
export async function launchLongRun(lab: Lab): Promise<number> {
  const long = await lab.call('experiments.launch', {
    spec: { name: 'e2e-long', dataset: { name: 'mnist-10k', trainLimit: 2000 }, model: { arch: 'mlp', hidden: [64] }, training: { epochs: 200 } },
  })
  return long.runIds[0]
}
