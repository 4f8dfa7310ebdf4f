/**
 * The window's size, position and maximised state, remembered between sessions in
 * `<userData>/window-state.json`. A saved position that no display shows any more (a monitor
 * was unplugged) is dropped, so the window never opens off-screen.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import type { BrowserWindow, Rectangle } from 'electron'

export interface WindowState {
  x?: number
  y?: number
  width: number
  height: number
  maximized: boolean
}

export const DEFAULT_WINDOW: WindowState = { width: 1280, height: 860, maximized: false }
const MIN = { width: 800, height: 500 }

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

/** A saved state made safe for these displays (their work areas). */
export function fitToDisplays(saved: unknown, displays: readonly Rectangle[]): WindowState {
  const s = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : {}
  const width = finite(s.width) ? Math.max(MIN.width, Math.round(s.width)) : DEFAULT_WINDOW.width
  const height = finite(s.height) ? Math.max(MIN.height, Math.round(s.height)) : DEFAULT_WINDOW.height
  const state: WindowState = { width, height, maximized: s.maximized === true }
  if (finite(s.x) && finite(s.y)) {
    const x = Math.round(s.x)
    const y = Math.round(s.y)
    // Kept only when at least a 100 × 50 px corner of the title bar is on some display.
    const visible = displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y && y < d.y + d.height - 50)
    if (visible) Object.assign(state, { x, y })
  }
  return state
}

export function loadWindowState(file: string, displays: readonly Rectangle[]): WindowState {
  try {
    return fitToDisplays(JSON.parse(readFileSync(file, 'utf8')), displays)
  } catch {
    return { ...DEFAULT_WINDOW }
  }
}

/** Saves the window's normal bounds as it moves, resizes and closes; returns its own stop function. */
export function trackWindowState(win: BrowserWindow, file: string): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const save = (): void => {
    clearTimeout(timer)
    if (win.isDestroyed()) return
    const maximized = win.isMaximized()
    // The normal bounds, so an un-maximise next time returns to the size the user chose.
    const b = maximized && typeof win.getNormalBounds === 'function' ? win.getNormalBounds() : win.getBounds()
    try {
      writeFileSync(file, JSON.stringify({ x: b.x, y: b.y, width: b.width, height: b.height, maximized }))
    } catch {
      // A read-only profile: the window still works, it just will not be remembered.
    }
  }
  const later = (): void => {
    clearTimeout(timer)
    timer = setTimeout(save, 400)
  }
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event as 'resize', later)
  win.on('close', save)
  return () => clearTimeout(timer)
}
