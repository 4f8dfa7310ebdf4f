// A stand-in for the `electron` module, so the built main process (out/main/index.js) can run
// under plain Node where no Electron binary exists. It records what the app asks of Electron
// (windows, IPC handlers, session policy) for driver.mjs to check. `utilityProcess.fork` is
// backed by child_process.fork, so the real bundled worker (out/main/worker.js) trains a run.
import { fork } from 'node:child_process'
import { EventEmitter } from 'node:events'

const record = {
  handlers: new Map(),
  windows: [],
  appListeners: new Map(),
  sent: [],
  opened: [],
  headersReceived: null,
  beforeRequest: null,
  permissionRequest: null,
  errors: [],
  forks: [],
  menu: null,
  /** What the next save/open dialogs answer (the driver fills these in). */
  dialogAnswers: [],
  dialogs: [],
}
globalThis.__electronStub = record

export const app = {
  isPackaged: false,
  whenReady: () => Promise.resolve(),
  getPath: () => process.env.COMPLAB_DATA_DIR,
  requestSingleInstanceLock: () => true,
  on(event, listener) {
    const list = record.appListeners.get(event) ?? []
    list.push(listener)
    record.appListeners.set(event, list)
  },
  quit() {
    process.exit(0)
  },
  exit(code) {
    process.exit(code)
  },
}

export class BrowserWindow {
  constructor(options) {
    this.options = options
    this.loaded = null
    this.maximized = false
    this.bounds = { x: options.x ?? 40, y: options.y ?? 40, width: options.width, height: options.height }
    this.listeners = new Map()
    const frame = { url: '', parent: null }
    this.webContents = {
      mainFrame: frame,
      send: (...args) => record.sent.push(args),
    }
    record.windows.push(this)
  }
  once() {}
  on(event, listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener])
  }
  emit(event) {
    for (const listener of this.listeners.get(event) ?? []) listener()
  }
  getBounds() {
    return { ...this.bounds }
  }
  getNormalBounds() {
    return { ...this.bounds }
  }
  setBounds(b) {
    this.bounds = { ...this.bounds, ...b }
  }
  isMaximized() {
    return this.maximized
  }
  maximize() {
    this.maximized = true
  }
  show() {}
  loadFile(path) {
    this.loaded = path
    return Promise.resolve()
  }
  isDestroyed() {
    return false
  }
  static getAllWindows() {
    return record.windows
  }
  static getFocusedWindow() {
    return record.windows[0] ?? null
  }
  static fromWebContents(contents) {
    return record.windows.find((w) => w.webContents === contents) ?? null
  }
}

export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu(menu) {
    record.menu = menu
  },
}

export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
}

export const ipcMain = {
  handle(channel, listener) {
    record.handlers.set(channel, listener)
  },
  removeHandler(channel) {
    record.handlers.delete(channel)
  },
}

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived(listener) {
        record.headersReceived = listener
      },
      onBeforeRequest(filter, listener) {
        record.beforeRequest = { filter, listener }
      },
    },
    setPermissionRequestHandler(listener) {
      record.permissionRequest = listener
    },
    setPermissionCheckHandler() {},
  },
}

const answer = (kind, args) => {
  // Called as (window, options) or (options).
  record.dialogs.push({ kind, options: args[args.length - 1], modal: args.length === 2 })
  return Promise.resolve(record.dialogAnswers.shift() ?? { canceled: true, filePaths: [] })
}

export const dialog = {
  showErrorBox(title, message) {
    record.errors.push(`${title}: ${message}`)
  },
  showSaveDialog: (...args) => answer('save', args),
  showOpenDialog: (...args) => answer('open', args),
}

export const shell = {
  openExternal(url) {
    record.opened.push(url)
    return Promise.resolve()
  },
}

export const utilityProcess = {
  fork(modulePath, args, options) {
    record.forks.push({ modulePath, serviceName: options?.serviceName })
    const child = fork(modulePath, args ?? [], { env: options?.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' })
    const proc = new EventEmitter()
    child.on('message', (m) => proc.emit('message', m))
    child.on('exit', (code, signal) => proc.emit('exit', code ?? (signal ? 1 : 0)))
    child.on('spawn', () => {
      proc.pid = child.pid
      proc.emit('spawn')
    })
    proc.pid = child.pid
    proc.postMessage = (m) => child.send(m)
    proc.kill = () => child.kill()
    return proc
  },
}

export default { app, BrowserWindow, Menu, screen, ipcMain, session, dialog, shell, utilityProcess }
