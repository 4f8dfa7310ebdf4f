/**
 * `npm start` on a machine with a display but no reachable Electron download (issue 18 item 15):
 * the terminal gets the lab's own lines only — the downloader's stack trace goes to the log file
 * the clear line names. The download is pointed at a closed local port, so it fails at once.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../src-main/server/renderer-build'

// Where an Electron binary is installed, `npm start` would open the window instead.
const installed = existsSync(join(PROJECT_ROOT, 'node_modules', 'electron', 'path.txt'))

describe.skipIf(installed)('npm start without a reachable Electron download', () => {
  const dir = mkdtempSync(join(tmpdir(), 'complab-start-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('prints its own clear line, naming the log that holds the downloader’s trace', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: ':99', ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: join(dir, 'cache') }
    for (const key of ['ELECTRON_SKIP_BINARY_DOWNLOAD', 'WAYLAND_DISPLAY', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[key]
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'start.mjs'), '--port', '0', '--db', join(dir, 'lab.db')], { cwd: PROJECT_ROOT, env })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    // Once the fallback line is out the download is over; the browser server that follows is not this test's.
    const deadline = Date.now() + 120_000
    while (!/^No desktop window/m.test(out) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    child.kill('SIGTERM')
    await exited

    const lines = out.split('\n').filter((l) => l.trim() !== '')
    expect(lines.slice(0, 2)).toEqual([
      '> the Electron binary is missing: downloading it (first launch)…',
      expect.stringMatching(/^No desktop window: no Electron binary \(it downloads on first launch: the download failed, offline or blocked by a proxy; the downloader's output is in .*electron-download\.log\)\. Serving the same UI in the browser instead\.$/),
    ])
    // No stack trace reached the terminal …
    expect(out).not.toMatch(/^\s+at /m)
    expect(out).not.toMatch(/Error:/)
    // … it is in the log the line names.
    const log = /output is in (.*electron-download\.log)\)/.exec(out)![1]
    expect(readFileSync(log, 'utf8')).toMatch(/Error[\s\S]*\n\s+at /)
  }, 150_000)
})
