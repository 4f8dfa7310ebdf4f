/**
 * The Electron main process: opens the lab (SQLite + scheduler, workers as utility processes),
 * exposes it to the window over IPC, forwards its events, and shows the UI in a locked-down
 * window (DESIGN §7) with the application menu, native file dialogs and its size and place
 * remembered. No business logic: the Lab answers every call.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session } from 'electron'
import type { IpcMainInvokeEvent } from 'electron'
import { EVENT_NAMES } from '../../src-shared/contract'
import { createLab } from '../lab'
import { defaultDbPath } from '../lab/paths'
import type { Lab } from '../lab/types'
import { COMMAND_CHANNEL, registerDesktopHandlers } from './desktop'
import { EVENT_CHANNEL, registerLabHandlers } from './ipc'
import { menuTemplate, type MenuCommand } from './menu'
import { guardContents, hardenSession } from './security'
import { utilityProcessLauncher } from './utility-launcher'
import { loadWindowState, trackWindowState } from './window-state'

/** out/main, where this bundle and worker.js live. */
const here = dirname(fileURLToPath(import.meta.url))
const projectRoot = resolve(here, '..', '..')
const preloadPath = join(here, '..', 'preload', 'index.cjs')
const rendererIndex = join(here, '..', 'renderer', 'index.html')
const rendererUrl = pathToFileURL(rendererIndex).href
/** better-sqlite3 compiled for Electron's ABI by `npm start` (scripts/start.mjs). */
const electronSqliteBinding = join(projectRoot, 'out', 'native', 'electron', 'better_sqlite3.node')

function isAppUrl(url: string): boolean {
  return url.split('#')[0] === rendererUrl
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  // Only the top-level frame of our own page: not an iframe, not a page navigated elsewhere.
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && isAppUrl(frame.url)
}

async function openLab(): Promise<Lab> {
  // COMPLAB_DATA_DIR / COMPLAB_DB let tests (and users) point the app at another lab.
  const dataDir = process.env.COMPLAB_DATA_DIR || app.getPath('userData')
  return createLab({
    dataDir,
    dbPath: process.env.COMPLAB_DB || defaultDbPath(dataDir),
    launcher: utilityProcessLauncher(join(here, 'worker.js')),
    nativeBinding: existsSync(electronSqliteBinding) ? electronSqliteBinding : undefined,
  })
}

function windowStateFile(): string {
  return join(app.getPath('userData'), 'window-state.json')
}

function createWindow(): BrowserWindow {
  const state = loadWindowState(
    windowStateFile(),
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 800,
    minHeight: 500,
    title: 'Compression Lab',
    show: false,
    backgroundColor: '#f6f7f9',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  if (state.maximized) win.maximize()
  trackWindowState(win, windowStateFile())
  win.once('ready-to-show', () => win.show())
  void win.loadFile(rendererIndex)
  return win
}

/** Delivers a menu command to the window in front (or the only one). */
function sendCommand(command: MenuCommand): void {
  const win = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0]
  if (win && !win.isDestroyed()) win.webContents.send(COMMAND_CHANNEL, command)
}

async function main(): Promise<void> {
  app.on('web-contents-created', (_event, contents) => guardContents(contents, isAppUrl))
  await app.whenReady()
  hardenSession(session.defaultSession)

  let lab: Lab
  try {
    lab = await openLab()
  } catch (e) {
    const message = (e as Error).message
    const hint = /NODE_MODULE_VERSION|was compiled against a different Node\.js version/.test(message)
      ? '\n\nbetter-sqlite3 is built for Node, not Electron: run `npm start`, which rebuilds it for Electron.'
      : ''
    dialog.showErrorBox('Compression Lab could not open its database', message + hint)
    app.exit(1)
    return
  }

  const removeHandlers = registerLabHandlers(ipcMain, lab, isTrustedSender)
  const removeDesktop = registerDesktopHandlers(ipcMain, dialog, (event) => BrowserWindow.fromWebContents(event.sender), isTrustedSender)
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(sendCommand, { platform: process.platform, devTools: !app.isPackaged })))
  const unsubscribes = EVENT_NAMES.map((name) =>
    lab.subscribe(name, (payload) => {
      for (const win of BrowserWindow.getAllWindows()) {
        if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload)
      }
    }),
  )

  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Stop the lab (kill workers, close the database) before the process goes away.
  let stopped = false
  app.on('before-quit', (event) => {
    if (stopped) return
    event.preventDefault()
    stopped = true
    for (const unsubscribe of unsubscribes) unsubscribe()
    removeHandlers()
    removeDesktop()
    lab
      .stop()
      .catch((e: unknown) => console.error('stopping the lab failed:', e))
      .finally(() => app.quit())
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows()
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })
  main().catch((e: unknown) => {
    console.error(e)
    app.exit(1)
  })
}
