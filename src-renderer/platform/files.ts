/**
 * Files in and out of the page, the same way from every view: native dialogs inside Electron
 * (the preload's `window.lab.desktop`), downloads and file inputs in a browser.
 */
import type { DesktopBridge, FileFilter } from '../api/bridge'

const desktop: DesktopBridge | null = window.lab?.desktop ?? null

/** True inside the Electron window. */
export const isDesktop = desktop !== null

export interface OutFile {
  name: string
  mime: string
  data: string | Uint8Array
}

export interface InFile {
  name: string
  bytes: Uint8Array
}

function filtersFor(name: string): FileFilter[] | undefined {
  const ext = name.split('.').pop()
  return ext && ext !== name ? [{ name: ext.toUpperCase(), extensions: [ext] }] : undefined
}

function download(file: OutFile): void {
  const part: BlobPart = typeof file.data === 'string' ? file.data : new Uint8Array(file.data)
  const url = URL.createObjectURL(new Blob([part], { type: file.mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = file.name
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30_000)
}

/** Saves one file: a save dialog in Electron, a download in a browser. Returns where, or null if cancelled. */
export async function saveFile(file: OutFile): Promise<string | null> {
  if (desktop) {
    const saved = await desktop.saveFile({ defaultName: file.name, data: file.data, filters: filtersFor(file.name) })
    return saved?.path ?? null
  }
  download(file)
  return file.name
}

/** Saves several files together (a model and its weights): a folder dialog, or one download each. */
export async function saveFiles(title: string, files: OutFile[]): Promise<string | null> {
  if (desktop) return (await desktop.saveFiles({ title, files: files.map((f) => ({ name: f.name, data: f.data })) }))?.folder ?? null
  for (const f of files) download(f)
  return files.map((f) => f.name).join(', ')
}

/** Copies text to the clipboard. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    // No clipboard permission (plain http, a test browser): the selection route still works.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.className = 'visually-hidden'
  document.body.appendChild(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('the clipboard is not available here')
}

/**
 * Lets the user pick files: a native dialog in Electron, the browser's file chooser otherwise.
 * `accept` lists extensions with the dot (`.json`). Resolves [] when cancelled.
 */
export async function openFiles(options: { title: string; accept: string[]; multiple?: boolean }): Promise<InFile[]> {
  if (desktop) {
    const extensions = options.accept.map((a) => a.replace(/^\./, ''))
    const picked = await desktop.openFiles({ title: options.title, filters: [{ name: options.title, extensions }], multiple: options.multiple })
    return picked.map((p) => ({ name: p.name, bytes: p.data }))
  }
  const input = document.createElement('input')
  input.type = 'file'
  input.accept = options.accept.join(',')
  input.multiple = Boolean(options.multiple)
  input.className = 'visually-hidden'
  input.setAttribute('aria-label', options.title)
  document.body.appendChild(input)
  try {
    const files = await new Promise<File[]>((resolve) => {
      input.addEventListener('change', () => resolve([...(input.files ?? [])]), { once: true })
      input.addEventListener('cancel', () => resolve([]), { once: true })
      input.click()
    })
    return Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })))
  } finally {
    input.remove()
  }
}

/** Menu commands from the desktop shell (none in a browser). */
export function onDesktopCommand(handler: (command: string) => void): () => void {
  return desktop ? desktop.onCommand(handler) : () => {}
}

/** Bytes as base64, in chunks (a model's weights can be megabytes). */
export function toBase64(bytes: Uint8Array): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}

export function fromBase64(base64: string): Uint8Array {
  const text = atob(base64)
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}

/** A `data:image/png;base64,…` URL as bytes. */
export function dataUrlBytes(url: string): Uint8Array {
  return fromBase64(url.slice(url.indexOf(',') + 1))
}
