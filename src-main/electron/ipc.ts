/**
 * The Electron IPC adapter: one `ipcMain.handle` channel per contract method, all registered by
 * one helper that hands the raw input to `lab.handle` (which validates it and returns the
 * envelope). No Electron import at run time, so tests can drive it with a fake `ipcMain`.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron'
import { METHOD_NAMES, type Envelope, type MethodName } from '../../src-shared/contract'
import type { Lab } from '../lab/types'

/** The channel of one method; the preload builds the same name. */
export function methodChannel(method: MethodName): string {
  return `lab:call:${method}`
}

/** The channel every event is pushed on, as `(eventName, payload)`. */
export const EVENT_CHANNEL = 'lab:event'

/** Decides whether a call comes from our own renderer (not an injected frame). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean

/** Registers one handler per method; returns a function that removes them all. */
export function registerLabHandlers(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, lab: Lab, trusted: SenderCheck): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(methodChannel(method), async (event, input: unknown): Promise<Envelope<unknown>> => {
      if (!trusted(event)) {
        return { ok: false, error: { code: 'unauthorized', message: 'calls are accepted only from the app window' } }
      }
      try {
        return await lab.handle(method, input)
      } catch (e) {
        return { ok: false, error: { code: 'internal', message: (e as Error).message } }
      }
    })
  }
  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(methodChannel(method))
  }
}
