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
}
globalThis.__electronStub = record

export const app = {
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
    const frame = { url: '', parent: null }
    this.webContents = {
      mainFrame: frame,
      send: (...args) => record.sent.push(args),
    }
    record.windows.push(this)
  }
  once() {}
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

export const dialog = {
  showErrorBox(title, message) {
    record.errors.push(`${title}: ${message}`)
  },
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

export default { app, BrowserWindow, ipcMain, session, dialog, shell, utilityProcess }
