/**
 * The desktop shell's own IPC (DESIGN §7): native save and open dialogs for the renderer, which
 * has no file access of its own. The user picks every path in a dialog; the renderer only names
 * a default file name and hands over bytes. Calls from anything but the app's own top-level
 * frame are refused, like the lab's. No Electron import at run time (tests drive it with fakes).
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { BrowserWindow, Dialog, FileFilter, IpcMain, IpcMainInvokeEvent, OpenDialogOptions } from 'electron'

export const DESKTOP_CHANNELS = {
  saveFile: 'desktop:save-file',
  saveFiles: 'desktop:save-files',
  openFiles: 'desktop:open-files',
} as const

/** Menu commands go to the window on this channel, as `(command)`. */
export const COMMAND_CHANNEL = 'desktop:command'

/** Largest file the open dialog hands to the renderer (a model's weights are a few MB). */
export const MAX_OPEN_BYTES = 128 * 1024 * 1024

type Data = string | Uint8Array

/** A file name without folders or odd characters, for a dialog's default and for writing into a folder. */
export function safeFileName(name: unknown, fallback = 'file'): string {
  const base = typeof name === 'string' ? basename(name.replace(/\\/g, '/')) : ''
  const clean = base.replace(/[^A-Za-z0-9._ -]+/g, '-').replace(/^[.\s-]+/, '').slice(0, 200)
  return clean || fallback
}

function isData(value: unknown): value is Data {
  return typeof value === 'string' || value instanceof Uint8Array
}

function filtersOf(value: unknown): FileFilter[] | undefined {
  if (!Array.isArray(value)) return undefined
  const out = value
    .filter((f): f is { name: unknown; extensions: unknown } => typeof f === 'object' && f !== null)
    .map((f) => ({
      name: typeof f.name === 'string' ? f.name.slice(0, 100) : 'Files',
      extensions: Array.isArray(f.extensions) ? f.extensions.filter((e): e is string => typeof e === 'string' && /^[A-Za-z0-9]{1,10}$/.test(e)) : [],
    }))
    .filter((f) => f.extensions.length > 0)
  return out.length ? out : undefined
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

export type DialogApi = Pick<Dialog, 'showSaveDialog' | 'showOpenDialog'>

/**
 * Registers the dialog handlers; returns a function that removes them. `windowOf` gives the
 * window a dialog belongs to (so it is modal to it).
 */
export function registerDesktopHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  dialog: DialogApi,
  windowOf: (event: IpcMainInvokeEvent) => BrowserWindow | null,
  trusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  const guard =
    <T>(fn: (event: IpcMainInvokeEvent, input: Record<string, unknown>) => Promise<T>) =>
    (event: IpcMainInvokeEvent, input: unknown): Promise<T> => {
      if (!trusted(event)) return Promise.reject(new Error('calls are accepted only from the app window'))
      return fn(event, record(input))
    }

  ipcMain.handle(
    DESKTOP_CHANNELS.saveFile,
    guard(async (event, input) => {
      if (!isData(input.data)) throw new Error('nothing to save')
      const win = windowOf(event)
      const options = { defaultPath: safeFileName(input.defaultName), filters: filtersOf(input.filters) }
      const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options)
      if (result.canceled || !result.filePath) return null
      writeFileSync(result.filePath, input.data)
      return { path: result.filePath }
    }),
  )

  ipcMain.handle(
    DESKTOP_CHANNELS.saveFiles,
    guard(async (event, input) => {
      const files = (Array.isArray(input.files) ? input.files : []).map(record)
      if (!files.length || files.length > 64 || !files.every((f) => isData(f.data))) throw new Error('nothing to save')
      const win = windowOf(event)
      const options: OpenDialogOptions = {
        title: typeof input.title === 'string' ? input.title.slice(0, 200) : 'Choose a folder',
        buttonLabel: 'Save here',
        properties: ['openDirectory', 'createDirectory'],
      }
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      const folder = result.filePaths[0]
      if (result.canceled || !folder) return null
      for (const f of files) writeFileSync(join(folder, safeFileName(f.name)), f.data as Data)
      return { folder }
    }),
  )

  ipcMain.handle(
    DESKTOP_CHANNELS.openFiles,
    guard(async (event, input) => {
      const win = windowOf(event)
      const options: OpenDialogOptions = {
        title: typeof input.title === 'string' ? input.title.slice(0, 200) : 'Open',
        filters: filtersOf(input.filters),
        properties: input.multiple === true ? ['openFile', 'multiSelections'] : ['openFile'],
      }
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      if (result.canceled) return []
      return result.filePaths.slice(0, 64).map((path) => {
        const size = statSync(path).size
        if (size > MAX_OPEN_BYTES) throw new Error(`${basename(path)} is larger than ${MAX_OPEN_BYTES} bytes`)
        return { name: basename(path), data: new Uint8Array(readFileSync(path)) }
      })
    }),
  )

  return () => {
    for (const channel of Object.values(DESKTOP_CHANNELS)) ipcMain.removeHandler(channel)
  }
}
