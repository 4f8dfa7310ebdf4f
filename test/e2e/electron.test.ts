/**
 * The desktop app under Playwright's Electron driver (DESIGN §9): the built main process
 * (out/main/index.js) opens its window on a temporary lab, the renderer reaches the lab only
 * through `window.lab`, and nothing else from Node is exposed. Runs where an Electron binary and
 * a display (or xvfb-run's) exist; otherwise the test is skipped and says why.
 *
 * It needs `npm run build` (out/main, out/preload, out/renderer) and better-sqlite3 built for
 * Electron in out/native/electron (`npm start` does that once).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron as electron } from 'playwright-core'
import { describe, expect, it } from 'vitest'

const root = join(__dirname, '..', '..')
const electronDir = join(root, 'node_modules', 'electron')
const shots = join(root, 'test-results', 'e2e')

/** The Electron executable, found without `require('electron')` (which would download it). */
function electronBinary(): string | null {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

function skipReason(): string {
  if (!electronBinary()) return 'no Electron binary in node_modules/electron/dist (it downloads on first launch; none here)'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display (DISPLAY/WAYLAND_DISPLAY unset; run under xvfb-run to include this test)'
  }
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) return 'the app is not built (npm run build)'
  if (!existsSync(join(root, 'out', 'native', 'electron', 'better_sqlite3.node'))) {
    return 'better-sqlite3 is not built for Electron (npm start builds out/native/electron once)'
  }
  return ''
}

const reason = skipReason()
if (reason) console.warn(`[e2e electron] skipped: ${reason}`)

describe('desktop app (Electron)', () => {
  it.skipIf(Boolean(reason))('opens the window on its lab, with only window.lab exposed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'complab-electron-'))
    mkdirSync(shots, { recursive: true })
    const app = await electron.launch({
      executablePath: electronBinary()!,
      args: [join(root, 'out', 'main', 'index.js'), ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, COMPLAB_DATA_DIR: dir },
      timeout: 60_000,
    })
    try {
      const page = await app.firstWindow()
      await page.getByRole('table', { name: 'Runs' }).waitFor({ timeout: 30_000 })
      await page.getByText('desktop').waitFor()

      // The preload exposes exactly call/subscribe and the desktop shell's dialogs, and no Node.
      const surface = await page.evaluate(() => {
        const g = globalThis as unknown as Record<string, unknown>
        const lab = g.lab as Record<string, unknown> | undefined
        return {
          lab: lab ? Object.keys(lab).sort() : null,
          require: typeof g.require,
          process: typeof g.process,
        }
      })
      expect(surface).toEqual({ lab: ['call', 'desktop', 'subscribe'], require: 'undefined', process: 'undefined' })

      // A call through IPC returns the lab's answer; an unknown method is refused in the preload.
      const info = await page.evaluate(async () => {
        const lab = (globalThis as unknown as { lab: { call(m: string, i: unknown): Promise<{ ok: boolean; data?: { dataDir: string } }> } }).lab
        const ok = await lab.call('system.info', {})
        const bad = await lab.call('fs.readFile', {}).then(
          () => 'accepted',
          (e: Error) => e.message,
        )
        return { ok: ok.ok, dataDir: ok.data?.dataDir, bad }
      })
      expect(info.ok).toBe(true)
      expect(info.dataDir).toBe(dir)
      expect(info.bad).toMatch(/unknown method/)

      await page.screenshot({ path: join(shots, 'electron-runs.png') })
    } finally {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
