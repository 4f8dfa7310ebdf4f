#!/usr/bin/env node
// `npm start`: the desktop window when this machine can show one, the same UI in a browser
// otherwise (DESIGN §7).
//
//   Electron path (an Electron binary and a display): build the app if it is missing or older
//   than the sources, build better-sqlite3 for Electron's ABI into out/native/electron (a copy:
//   node_modules keeps the Node build the CLI and the tests use), then launch Electron.
//   Browser path: one line saying why no window opens, then `serveLab` on 127.0.0.1 (it builds
//   the renderer first when out/renderer is missing) and the URL to open.
//
// Options: --serve (browser mode even with a display), --port N, --db PATH, --data-dir DIR.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values: opts } = parseArgs({
  options: {
    serve: { type: 'boolean' },
    port: { type: 'string' },
    db: { type: 'string' },
    'data-dir': { type: 'string' },
  },
  strict: true,
})

const electronDir = join(root, 'node_modules', 'electron')
const nativeDir = join(root, 'out', 'native', 'electron')
const nativeBinding = join(nativeDir, 'better_sqlite3.node')

/** The Electron executable if it is installed. Never `require('electron')`: that downloads. */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}

function electronVersion() {
  return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
}

function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY)
}

/** Where the downloader's own output goes: its stack trace is no message for a user. */
const downloadLog = join(root, 'out', 'logs', 'electron-download.log')

/**
 * Electron 45 fetches its binary on first launch; try once, quietly report the outcome. The
 * downloader writes to `downloadLog` (never to the terminal); a failure names that file.
 */
function downloadElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set'
  if (!existsSync(join(electronDir, 'install.js'))) return 'the electron package is not installed'
  console.log('> the Electron binary is missing: downloading it (first launch)…')
  mkdirSync(dirname(downloadLog), { recursive: true })
  const log = openSync(downloadLog, 'w')
  let r
  try {
    r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', log, log], timeout: 300_000 })
  } finally {
    closeSync(log)
  }
  if (r.status === 0 && electronBinary()) return null
  return `the download failed, offline or blocked by a proxy; the downloader's output is in ${downloadLog}`
}

function newestMtime(path) {
  if (!existsSync(path)) return 0
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

/** The built app is missing or older than any source file. */
function appIsStale() {
  const outputs = ['out/main/index.js', 'out/main/worker.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p))
  if (outputs.some((p) => !existsSync(p))) return true
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs))
  const sources = ['src-main', 'src-shared', 'src-renderer', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p))
  return Math.max(...sources.map(newestMtime)) > built
}

function buildApp() {
  console.log('> building the app (electron-vite build)…')
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' })
  return r.status === 0
}

/**
 * better-sqlite3 for Electron's ABI, built in a scratch copy of the package so node_modules keeps
 * the Node build. Tries the prebuilt binary first (prebuild-install), then compiles (node-gyp,
 * with Electron's headers). Returns null on success, or why it failed.
 */
function buildNativeForElectron(version) {
  const stamp = join(nativeDir, 'electron-version')
  if (existsSync(nativeBinding) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === version) return null
  console.log(`> building better-sqlite3 for Electron ${version} into out/native/electron (once; node_modules is left as it is)…`)
  const src = join(root, 'node_modules', 'better-sqlite3')
  if (!existsSync(src)) return 'node_modules/better-sqlite3 is missing (run npm install)'
  const work = join(root, 'out', 'native', 'build', 'better-sqlite3')
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  for (const entry of ['package.json', 'binding.gyp', 'src', 'deps', 'lib']) {
    if (existsSync(join(src, entry))) cpSync(join(src, entry), join(work, entry), { recursive: true })
  }
  // The standard way to target Electron from npm: these settings reach prebuild-install and node-gyp.
  const env = {
    ...process.env,
    PATH: `${join(root, 'node_modules', '.bin')}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`,
    npm_config_runtime: 'electron',
    npm_config_target: version,
    npm_config_disturl: 'https://electronjs.org/headers',
    npm_config_arch: process.arch,
    npm_config_target_arch: process.arch,
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const r = spawnSync(npm, ['run', 'install', '--ignore-scripts=false'], { cwd: work, env, stdio: 'inherit', timeout: 600_000, shell: process.platform === 'win32' })
  const built = join(work, 'build', 'Release', 'better_sqlite3.node')
  if (r.status !== 0 || !existsSync(built)) {
    return 'neither a prebuilt binary (prebuild-install) nor a local compile (node-gyp: needs Python, a C++ compiler and network access to electronjs.org/headers) worked'
  }
  mkdirSync(nativeDir, { recursive: true })
  cpSync(built, nativeBinding)
  writeFileSync(stamp, `${version}\n`)
  rmSync(join(root, 'out', 'native', 'build'), { recursive: true, force: true })
  return null
}

function launchElectron(exe) {
  console.log('> starting Compression Lab (Electron)')
  const child = spawn(exe, [root], { cwd: root, stdio: 'inherit', env: { ...process.env, ELECTRON_RUN_AS_NODE: undefined } })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

async function serveInBrowser() {
  const { register } = await import('tsx/esm/api')
  register()
  const { serveLab } = await import('../src-main/server/serve.ts')
  const port = opts.port !== undefined ? Number(opts.port) : 5178
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port must be a port number, got '${opts.port}'`)
    process.exit(2)
  }
  const base = {
    dbPath: opts.db,
    // Same rule as the CLI: --db X alone keeps its data beside it, in X-data/.
    dataDir: opts['data-dir'] ?? (opts.db ? join(dirname(opts.db), `${basename(opts.db, extname(opts.db))}-data`) : undefined),
    host: '127.0.0.1',
    log: (line) => console.log(`> ${line}`),
  }
  let served
  try {
    served = await serveLab({ ...base, port })
  } catch (e) {
    // The usual port is taken (another lab?): any free one will do.
    if (e?.code !== 'EADDRINUSE' || opts.port !== undefined) throw e
    served = await serveLab({ ...base, port: 0 })
  }
  console.log(`Compression Lab is serving ${served.lab.dbPath}`)
  console.log(`open ${served.url}`)
  const stop = async () => {
    await served.close()
    process.exit(0)
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

async function main() {
  let why = null
  if (opts.serve) why = '--serve was given'
  else if (!hasDisplay()) why = 'no display (DISPLAY and WAYLAND_DISPLAY are unset)'
  else if (!electronBinary()) {
    const failed = downloadElectron()
    if (failed) why = `no Electron binary (it downloads on first launch: ${failed})`
  }
  if (!why) {
    if (appIsStale() && !buildApp()) why = 'the app build failed (see above)'
  }
  if (!why) {
    const failed = buildNativeForElectron(electronVersion())
    if (failed) why = `better-sqlite3 could not be built for Electron: ${failed}`
  }
  if (!why) {
    launchElectron(electronBinary())
    return
  }
  console.log(`No desktop window: ${why}. Serving the same UI in the browser instead.`)
  await serveInBrowser()
}

main().catch((e) => {
  console.error(`error: ${e?.message ?? e}`)
  process.exit(1)
})
