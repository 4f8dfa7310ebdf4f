/**
 * The built Electron main process (out/main/index.js) run under plain Node with a stand-in
 * `electron` module (electron-stub/): it checks, without an Electron binary, what the desktop app
 * sets up — one IPC handler per contract method that answers with envelopes and refuses foreign
 * frames, a sandboxed isolated window, the session's CSP / no-remote / no-permission policy,
 * navigation and new-window guards, the application menu and its commands, native save/open
 * dialogs (the user picks every path), the window's place remembered between sessions — and
 * that a real run goes through the utilityProcess
 * launcher and the bundled worker (out/main/worker.js) with its events forwarded to the window.
 * What it cannot check (Chromium's enforcement, the preload in a real renderer) is electron.test.ts.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { METHOD_NAMES } from '../../src-shared/contract'

const root = join(__dirname, '..', '..')
const built = existsSync(join(root, 'out', 'main', 'index.js')) && existsSync(join(root, 'out', 'main', 'worker.js'))
if (!built) console.warn('[e2e electron-main] skipped: the app is not built (npm run build)')

interface Report {
  channels: string[]
  windowOptions: { x: number; y: number; width: number; height: number; maximized: boolean }
  menu: string[]
  menuCommands: string[]
  saveFile: { path: string } | null
  savedText: string | null
  saveDialogDefault: string
  saveDialogModal: boolean
  saveFiles: { folder: string } | null
  savedModelFiles: string[]
  openFiles: { name: string; text: string }[]
  openCancelled: unknown[]
  desktopUntrusted: string
  windowStateSaved: Record<string, unknown>
  webPreferences: Record<string, unknown>
  loaded: string
  systemInfo: { ok: boolean; data?: { dataDir: string } }
  untrusted: { ok: boolean; error?: { code: string } }
  iframe: { ok: boolean; error?: { code: string } }
  invalid: { ok: boolean; error?: { code: string; message: string } }
  csp: string | null
  remoteCancelled: boolean | null
  permissionGranted: boolean | null
  openHttps: { action: string }
  openFile: { action: string }
  navigationPrevented: string[]
  opened: string[]
  hasWebviewGuard: boolean
  forks: { modulePath: string; serviceName?: string }[]
  eventsSent: string[]
  run: { status: string; error: string | null; results: Record<string, number> }
}

describe('Electron main process (built, under a stub electron module)', () => {
  it.skipIf(!built)('wires the lab to IPC, locks the window down, menus and dialogs, remembers the window, runs workers as utility processes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'complab-electron-main-'))
    try {
      const r = spawnSync(process.execPath, [join(__dirname, 'electron-stub', 'driver.mjs'), root], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, COMPLAB_DATA_DIR: dir },
      })
      const line = r.stdout.split('\n').find((l) => l.startsWith('REPORT '))
      expect(line, `no report; exit ${r.status}\n${r.stdout}\n${r.stderr}`).toBeDefined()
      const report = JSON.parse(line!.slice('REPORT '.length)) as Report
      expect(r.status, r.stderr).toBe(0)

      expect(report.channels).toEqual([...METHOD_NAMES.map((m) => `lab:call:${m}`), 'desktop:open-files', 'desktop:save-file', 'desktop:save-files'].sort())

      // The window opens where the last session left it, and remembers where it is closed.
      expect(report.windowOptions).toEqual({ x: 120, y: 80, width: 1500, height: 950, maximized: true })
      expect(report.windowStateSaved).toEqual({ x: 200, y: 100, width: 1111, height: 777, maximized: false })

      // Menus with shortcuts; a click sends the command to the window.
      expect(report.menu).toEqual(
        expect.arrayContaining([
          '&File > Open Spec… (CmdOrCtrl+O)',
          '&File > Save Spec… (CmdOrCtrl+S)',
          '&File > Import Teacher Model… (CmdOrCtrl+I)',
          '&File > Export Table… (CmdOrCtrl+E)',
          '&View > Launch (CmdOrCtrl+1)',
          '&View > Sweeps (CmdOrCtrl+4)',
        ]),
      )
      expect(report.menuCommands).toEqual(['desktop:command open-spec', 'desktop:command go:runs'])

      // Native dialogs: the user picks every path; the page only suggests a bare file name.
      expect(report.saveFile).toEqual({ path: join(dir, 'saved-table.csv') })
      expect(report.savedText).toBe('a,b\r\n1,2\r\n')
      expect(report.saveDialogDefault).toBe('table.csv')
      expect(report.saveDialogModal).toBe(true)
      expect(report.saveFiles).toEqual({ folder: dir })
      expect(report.savedModelFiles).toEqual(['model.json', 'weights.bin'])
      expect(report.openFiles).toEqual([{ name: 'saved-table.csv', text: 'a,b\r\n1,2\r\n' }])
      expect(report.openCancelled).toEqual([])
      expect(report.desktopUntrusted).toMatch(/only from the app window/)
      expect(report.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false })
      expect(String(report.webPreferences.preload)).toMatch(/out\/preload\/index\.cjs$/)
      expect(existsSync(String(report.webPreferences.preload))).toBe(true)
      expect(report.loaded).toMatch(/out\/renderer\/index\.html$/)

      expect(report.systemInfo.ok).toBe(true)
      expect(report.systemInfo.data?.dataDir).toBe(dir)
      expect(report.untrusted).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
      expect(report.iframe).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
      expect(report.invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } })

      expect(report.csp).toMatch(/default-src 'none'/)
      expect(report.csp).toMatch(/script-src 'self'/)
      expect(report.csp).toMatch(/connect-src 'none'/)
      expect(report.remoteCancelled).toBe(true)
      expect(report.permissionGranted).toBe(false)

      expect(report.openHttps).toEqual({ action: 'deny' })
      expect(report.openFile).toEqual({ action: 'deny' })
      // http(s) links (new window or navigation) go to the OS browser; file: and others nowhere.
      expect(report.opened).toEqual(['https://example.com/paper.pdf', 'https://evil.example/'])
      expect(report.navigationPrevented).toEqual(['remote'])
      expect(report.hasWebviewGuard).toBe(true)

      expect(report.forks.length).toBeGreaterThan(0)
      expect(report.forks[0].modulePath).toMatch(/out\/main\/worker\.js$/)
      expect(report.eventsSent).toEqual(expect.arrayContaining(['run.created', 'run.status', 'run.progress', 'run.metric']))
      expect(report.run.error).toBeNull()
      expect(report.run.status).toBe('finished')
      expect(report.run.results['test.accuracy']).toBeGreaterThan(0.1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 150_000)
})
