/**
 * The preload (sandboxed, CommonJS): exposes `window.lab` and nothing else — no ipcRenderer, no
 * Node. Method and event names are checked against the contract's lists, generated into this
 * bundle at build time (electron.vite.config.ts), so a page cannot reach any other channel.
 */
import { contextBridge, ipcRenderer } from 'electron'
import type { IpcRendererEvent } from 'electron'
import type { Envelope } from '../../src-shared/contract'

declare const __LAB_METHOD_NAMES__: readonly string[]
declare const __LAB_EVENT_NAMES__: readonly string[]

const METHODS: ReadonlySet<string> = new Set(__LAB_METHOD_NAMES__)
const EVENTS: ReadonlySet<string> = new Set(__LAB_EVENT_NAMES__)
const EVENT_CHANNEL = 'lab:event'

/**
 * `window.lab`. The renderer declares the same shape (src-renderer/api/bridge.ts); the two
 * tsconfig projects cannot share one file outside src-shared.
 */
interface LabBridge {
  call(method: string, input: unknown): Promise<Envelope<unknown>>
  subscribe(event: string, handler: (payload: unknown) => void): () => void
}

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
}

contextBridge.exposeInMainWorld('lab', bridge)
