/**
 * The preload (sandboxed, CommonJS): exposes `window.lab` and nothing else — no ipcRenderer, no
 * Node. Method and event names are checked against the contract's lists, generated into this
 * bundle at build time (electron.vite.config.ts), so a page cannot reach any other channel.
 * `window.lab.desktop` adds the shell's three dialog calls and the menu's commands.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { Envelope } from '../../src-shared/contract'

declare const __LAB_METHOD_NAMES__: readonly string[]
declare const __LAB_EVENT_NAMES__: readonly string[]

const METHODS: ReadonlySet<string> = new Set(__LAB_METHOD_NAMES__)
const EVENTS: ReadonlySet<string> = new Set(__LAB_EVENT_NAMES__)
const EVENT_CHANNEL = 'lab:event'
// The same names as src-main/electron/desktop.ts (a preload bundle imports nothing from main).
const COMMAND_CHANNEL = 'desktop:command'

interface FileFilter {
  name: string
  extensions: string[]
}
type Data = string | Uint8Array

/**
 * `window.lab`. The renderer declares the same shape (src-renderer/api/bridge.ts); the two
 * tsconfig projects cannot share one file outside src-shared.
 */
interface DesktopBridge {
  saveFile(request: { defaultName: string; data: Data; filters?: FileFilter[] }): Promise<{ path: string } | null>
  saveFiles(request: { title: string; files: { name: string; data: Data }[] }): Promise<{ folder: string } | null>
  openFiles(request: { title: string; filters?: FileFilter[]; multiple?: boolean }): Promise<{ name: string; data: Uint8Array }[]>
  onCommand(handler: (command: string) => void): () => void
}

interface LabBridge {
  call(method: string, input: unknown): Promise<Envelope<unknown>>
  subscribe(event: string, handler: (payload: unknown) => void): () => void
  desktop: DesktopBridge
}

const commandHandlers = new Set<(command: string) => void>()
ipcRenderer.on(COMMAND_CHANNEL, (_event: IpcRendererEvent, command: unknown) => {
  if (typeof command !== 'string') return
  for (const handler of commandHandlers) {
    try {
      handler(command)
    } catch (e) {
      console.error(`menu command ${command} failed`, e)
    }
  }
})

const handlers = new Map<string, Set<(payload: unknown) => void>>()

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return
  for (const handler of handlers.get(name) ?? []) {
    try {
      handler(payload)
    } catch (e) {
      console.error(`lab event handler for ${name} failed`, e)
    }
  }
})

const bridge: LabBridge = {
  call(method, input) {
    if (typeof method !== 'string' || !METHODS.has(method)) {
      return Promise.reject(new Error(`unknown method: ${String(method)}`))
    }
    return ipcRenderer.invoke(`lab:call:${method}`, input)
  },
  subscribe(event, handler) {
    if (typeof event !== 'string' || !EVENTS.has(event)) throw new Error(`unknown event: ${String(event)}`)
    if (typeof handler !== 'function') throw new Error('handler must be a function')
    let set = handlers.get(event)
    if (!set) handlers.set(event, (set = new Set()))
    // Wrapped so that the same function subscribed twice gets two independent subscriptions.
    const entry = (payload: unknown): void => handler(payload)
    set.add(entry)
    return () => {
      set.delete(entry)
    }
  },
  desktop: {
    saveFile: (request) => ipcRenderer.invoke('desktop:save-file', request),
    saveFiles: (request) => ipcRenderer.invoke('desktop:save-files', request),
    openFiles: (request) => ipcRenderer.invoke('desktop:open-files', request),
    onCommand(handler) {
      if (typeof handler !== 'function') throw new Error('handler must be a function')
      const entry = (command: string): void => handler(command)
      commandHandlers.add(entry)
      return () => {
        commandHandlers.delete(entry)
      }
    },
  },
}

contextBridge.exposeInMainWorld('lab', bridge)
