/**
 * What the Electron preload exposes as `window.lab` (src-main/electron/preload.ts), and nothing
 * more: a method call that resolves to the contract's envelope, event subscriptions that return
 * their own unsubscribe function, and the desktop shell (native file dialogs, menu commands).
 * Names are checked against the contract in the preload.
 */
import type { Envelope } from '../../src-shared/contract'

/** A file the user picked in a native dialog. */
export interface PickedFile {
  name: string
  data: Uint8Array
}

export interface FileFilter {
  name: string
  extensions: string[]
}

/** Native dialogs and the application menu; only inside Electron. */
export interface DesktopBridge {
  /** Asks where to save one file and writes it; null when the user cancels. */
  saveFile(request: { defaultName: string; data: string | Uint8Array; filters?: FileFilter[] }): Promise<{ path: string } | null>
  /** Asks for a folder and writes every file into it (a model: model.json and its weights). */
  saveFiles(request: { title: string; files: { name: string; data: string | Uint8Array }[] }): Promise<{ folder: string } | null>
  /** Opens files the user picks; [] when cancelled. */
  openFiles(request: { title: string; filters?: FileFilter[]; multiple?: boolean }): Promise<PickedFile[]>
  /** Menu commands (`open-spec`, `go:runs`, …); returns its own unsubscribe. */
  onCommand(handler: (command: string) => void): () => void
}

export interface LabBridge {
  call(method: string, input: unknown): Promise<Envelope<unknown>>
  subscribe(event: string, handler: (payload: unknown) => void): () => void
  desktop?: DesktopBridge
}
