/**
 * Commands shared by the desktop menu, keyboard shortcuts and buttons (`open-spec`, `export-table`,
 * `go:runs`, …). A view registers what a command does while it is shown; the registration
 * returns its own unsubscribe function, and the latest registration wins.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export type CommandName =
  | 'open-spec'
  | 'save-spec'
  | 'import-teacher'
  | 'launch'
  | 'export-table'
  | 'focus-filter'
  | 'show-shortcuts'

export const useCommandsStore = defineStore('commands', () => {
  const handlers = new Map<CommandName, (() => void)[]>()
  const shortcutsOpen = ref(false)
  /** A command asked for before the view that handles it was shown (menu: File → Open spec on Runs). */
  let pending: CommandName | null = null

  function register(name: CommandName, handler: () => void): () => void {
    const list = handlers.get(name) ?? []
    const entry = (): void => handler()
    handlers.set(name, [...list, entry])
    if (pending === name) {
      pending = null
      queueMicrotask(entry)
    }
    return () => handlers.set(name, (handlers.get(name) ?? []).filter((h) => h !== entry))
  }

  /** Runs the command now, or as soon as a view registers it. */
  function runOrQueue(name: CommandName): void {
    if (!run(name)) pending = name
  }

  /** Runs the command; false when no view handles it now. */
  function run(name: CommandName): boolean {
    const list = handlers.get(name) ?? []
    const handler = list[list.length - 1]
    if (!handler) return false
    handler()
    return true
  }

  return { register, run, runOrQueue, shortcutsOpen }
})
