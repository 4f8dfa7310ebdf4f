/**
 * The desktop window's security (DESIGN §7).
 *
 * Without an Electron binary: the built preload (out/preload/index.cjs) runs in a fresh V8
 * context with a recording stand-in for `electron`. It must expose exactly one global, `lab`,
 * whose whole surface (enumerated recursively) is the list below — functions only, no
 * ipcRenderer, no Node — and those functions may reach only the lab's own IPC channels.
 *
 * With an Electron binary and a display: the real window under Playwright — the CSP blocks
 * inline script, eval and network requests; navigation away and new windows are denied; the
 * page's globals hold `lab` and no Node (`require`, `process`, `Buffer`, …).
 * Each part that cannot run here says why.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { EVENT_NAMES, METHOD_NAMES } from '../../src-shared/contract'

const root = join(__dirname, '..', '..')
const preloadFile = join(root, 'out', 'preload', 'index.cjs')

/** Everything `window.lab` offers; a change here is a change of the app's attack surface. */
const EXPECTED_SURFACE = [
  'call: function',
  'desktop: object',
  'desktop.onCommand: function',
  'desktop.openFiles: function',
  'desktop.saveFile: function',
  'desktop.saveFiles: function',
  'subscribe: function',
]
/** IPC channels the preload may use besides `lab:call:<method>`. */
const OTHER_CHANNELS = ['desktop:command', 'desktop:open-files', 'desktop:save-file', 'desktop:save-files', 'lab:event']

/** `a.b: type` for every property reachable from `value`. */
function surface(value: unknown, prefix = '', seen = new Set<unknown>()): string[] {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return []
  seen.add(value)
  const out: string[] = []
  for (const key of Object.getOwnPropertyNames(value)) {
    if (typeof value === 'function' && ['length', 'name', 'prototype'].includes(key)) continue
    const v = (value as Record<string, unknown>)[key]
    const name = prefix ? `${prefix}.${key}` : key
    out.push(`${name}: ${v === null ? 'null' : typeof v}`)
    if (typeof v === 'object') out.push(...surface(v, name, seen))
  }
  return out.sort()
}

interface Recorded {
  exposed: { name: string; value: unknown }[]
  channels: Set<string>
  listeners: Map<string, (...args: unknown[]) => void>
  required: string[]
}

/** Runs the built preload with a stand-in `electron` that records what it is asked. */
function runPreload(): Recorded {
  const rec: Recorded = { exposed: [], channels: new Set(), listeners: new Map(), required: [] }
  const ipcRenderer = {
    invoke: (channel: string, ...args: unknown[]) => {
      rec.channels.add(channel)
      return Promise.resolve({ ok: true, data: args })
    },
    send: (channel: string) => void rec.channels.add(channel),
    sendSync: (channel: string) => void rec.channels.add(channel),
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      rec.channels.add(channel)
      rec.listeners.set(channel, listener)
    },
    once: (channel: string) => void rec.channels.add(channel),
    removeListener: () => undefined,
  }
  const electronStub = {
    contextBridge: { exposeInMainWorld: (name: string, value: unknown) => void rec.exposed.push({ name, value }) },
    ipcRenderer,
  }
  const stubRequire = (id: string): unknown => {
    rec.required.push(id)
    if (id === 'electron') return electronStub
    throw new Error(`the preload may not require ${id}`)
  }
  const module = { exports: {} }
  runInNewContext(readFileSync(preloadFile, 'utf8'), { require: stubRequire, module, exports: module.exports, console }, { filename: preloadFile })
  return rec
}

const preloadReason = existsSync(preloadFile) ? '' : 'the app is not built (npm run build makes out/preload/index.cjs)'
if (preloadReason) console.warn(`[e2e electron-security] preload checks skipped: ${preloadReason}`)

describe('the preload (built, in a V8 context of its own)', () => {
  it.skipIf(Boolean(preloadReason))('exposes window.lab and nothing else; window.lab is functions over the lab channels only', async () => {
    const rec = runPreload()
    expect(rec.required).toEqual(['electron'])
    expect(rec.exposed.map((e) => e.name)).toEqual(['lab'])
    const lab = rec.exposed[0].value as {
      call(m: string, i: unknown): Promise<unknown>
      subscribe(e: string, h: (p: unknown) => void): () => void
      desktop: Record<string, (...a: unknown[]) => unknown>
    }
    expect(surface(lab)).toEqual([...EXPECTED_SURFACE].sort())

    // Every contract method goes to its own channel; anything else never reaches IPC.
    for (const m of METHOD_NAMES) await lab.call(m, {})
    for (const bad of ['fs.readFile', 'lab:call:runs.list', '', '__proto__', 'runs.list ', 'constructor']) {
      await expect(lab.call(bad, {})).rejects.toThrow(/unknown method/)
    }
    await expect(lab.call(42 as unknown as string, {})).rejects.toThrow(/unknown method/)
    // Events: only the contract's; a handler gets the payload, never Electron's event object.
    expect(() => lab.subscribe('run.secrets', () => {})).toThrow(/unknown event/)
    expect(() => lab.subscribe('run.status', 'x' as unknown as () => void)).toThrow(/function/)
    const got: unknown[][] = []
    const off = lab.subscribe(EVENT_NAMES[0], (...args: unknown[]) => got.push(args))
    rec.listeners.get('lab:event')?.({ sender: 'ipcRenderer!' }, EVENT_NAMES[0], { runId: 1 })
    expect(got).toEqual([[{ runId: 1 }]])
    off()
    rec.listeners.get('lab:event')?.({ sender: 'ipcRenderer!' }, EVENT_NAMES[0], { runId: 2 })
    expect(got).toHaveLength(1)
    // The desktop calls: their own fixed channels; a menu command handler gets the command only.
    for (const f of ['saveFile', 'saveFiles', 'openFiles']) await lab.desktop[f]({})
    const commands: unknown[][] = []
    lab.desktop.onCommand((...args: unknown[]) => commands.push(args))
    rec.listeners.get('desktop:command')?.({ sender: 'ipcRenderer!' }, 'launch')
    expect(commands).toEqual([['launch']])

    const expected = new Set([...METHOD_NAMES.map((m) => `lab:call:${m}`), ...OTHER_CHANNELS])
    expect([...rec.channels].filter((c) => !expected.has(c))).toEqual([])
  })
})

/** The Electron executable, found without `require('electron')` (which would download it). */
function electronBinary(): string | null {
  const dir = join(root, 'node_modules', 'electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

/** The few DOM names the page-side code uses (this project's node tsconfig has no DOM types). */
interface PageGlobals {
  document: { createElement(tag: string): { textContent: string | null }; head: { appendChild(node: unknown): void } }
  location: { href: string }
  open(url: string): unknown
}

function windowReason(): string {
  if (!electronBinary()) return 'no Electron binary in node_modules/electron/dist (it downloads on first launch; none here)'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display (run under xvfb-run to include it)'
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) return 'the app is not built (npm run build)'
  if (!existsSync(join(root, 'out', 'native', 'electron', 'better_sqlite3.node'))) return 'better-sqlite3 is not built for Electron (npm start builds out/native/electron once)'
  return ''
}

const reason = windowReason()
if (reason) console.warn(`[e2e electron-security] window checks skipped: ${reason}`)

describe('the desktop window (real Electron)', () => {
  it.skipIf(Boolean(reason))('enforces its CSP, denies navigation and new windows, and exposes no Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'complab-electron-security-'))
    const app = await electron.launch({
      executablePath: electronBinary() as string,
      args: [join(root, 'out', 'main', 'index.js'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, COMPLAB_DATA_DIR: dir },
      timeout: 60_000,
    })
    try {
      const page = await app.firstWindow()
      await page.waitForLoadState('domcontentloaded')
      const appUrl = page.url()
      const found = await page.evaluate(async () => {
        const g = globalThis as unknown as Record<string, unknown> & PageGlobals
        const { document } = g
        const node = ['require', 'process', 'Buffer', 'global', 'module', 'ipcRenderer', 'electron', '__dirname'].filter((k) => k in g)
        // Inline script: blocked by script-src 'self'.
        const s = document.createElement('script')
        s.textContent = 'window.__inlineRan = true'
        document.head.appendChild(s)
        let evalRan = false
        try {
          evalRan = eval('true') as boolean
        } catch {
          evalRan = false
        }
        let fetched = 'refused'
        try {
          await fetch('https://example.com/')
          fetched = 'fetched'
        } catch {
          fetched = 'refused'
        }
        const opened = g.open('https://example.com/')
        return { node, inline: g.__inlineRan === true, evalRan, fetched, opened: opened !== null, lab: Object.keys(g.lab as object).sort() }
      })
      expect(found).toEqual({ node: [], inline: false, evalRan: false, fetched: 'refused', opened: false, lab: ['call', 'desktop', 'subscribe'] })
      await page.evaluate(() => {
        ;(globalThis as unknown as PageGlobals).location.href = 'https://example.com/'
      })
      await page.waitForTimeout(1000)
      expect(page.url()).toBe(appUrl)
      expect(app.windows()).toHaveLength(1)
    } finally {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
