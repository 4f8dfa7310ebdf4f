/**
 * Keyboard shortcuts of the page (the desktop menu has its own accelerators for the same
 * commands): `g` then a letter goes to a view, `/` focuses the filter, `?` lists the shortcuts,
 * Ctrl/⌘ + O / S / E / Enter open, save, export and launch.
 */
import type { CommandName } from './stores/commands'
import type { Route } from './router'

export const VIEW_KEYS: { key: string; route: Route; label: string }[] = [
  { key: 'l', route: { name: 'launch' }, label: 'Launch' },
  { key: 'r', route: { name: 'runs' }, label: 'Runs' },
  { key: 'c', route: { name: 'compare', ids: [] }, label: 'Compare' },
  { key: 's', route: { name: 'sweeps', ids: [] }, label: 'Sweeps' },
  { key: 'y', route: { name: 'system' }, label: 'System' },
]

export const SHORTCUT_LIST: { keys: string; what: string }[] = [
  ...VIEW_KEYS.map((v) => ({ keys: `g ${v.key}`, what: `Go to ${v.label}` })),
  { keys: '/', what: 'Filter the runs' },
  { keys: '↑ ↓ PgUp PgDn Home End', what: 'Move between runs in the table (Enter opens, Space selects)' },
  { keys: 'Ctrl/⌘ + O', what: 'Open a spec file (Launch)' },
  { keys: 'Ctrl/⌘ + S', what: 'Save the spec (Launch)' },
  { keys: 'Ctrl/⌘ + Enter', what: 'Launch the spec' },
  { keys: 'Ctrl/⌘ + E', what: "Export this view's table" },
  { keys: 'Escape', what: 'Clear the selection / close a dialog' },
  { keys: '?', what: 'Show these shortcuts' },
]

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  if (!el) return false
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
}

const CTRL_COMMANDS: Record<string, CommandName> = { o: 'open-spec', s: 'save-spec', e: 'export-table', enter: 'launch' }

/**
 * Installs the page's key handler. `desktop`: the menu already handles Ctrl shortcuts (except
 * Ctrl+Enter, which is not in the menu). Returns its own uninstall function.
 */
export function installShortcuts(options: {
  desktop: boolean
  go(route: Route): void
  run(command: CommandName): boolean
}): () => void {
  let prefix = 0
  const onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented) return
    const key = e.key.toLowerCase()
    if ((e.ctrlKey || e.metaKey) && !e.altKey && CTRL_COMMANDS[key]) {
      if (options.desktop && key !== 'enter') return
      if (options.run(CTRL_COMMANDS[key])) e.preventDefault()
      return
    }
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return
    if (prefix && Date.now() - prefix < 1500) {
      prefix = 0
      const view = VIEW_KEYS.find((v) => v.key === key)
      if (view) {
        e.preventDefault()
        options.go(view.route)
      }
      return
    }
    if (key === 'g') prefix = Date.now()
    else if (e.key === '/') {
      if (options.run('focus-filter')) e.preventDefault()
    } else if (e.key === '?') {
      options.run('show-shortcuts')
    }
  }
  window.addEventListener('keydown', onKey)
  return () => window.removeEventListener('keydown', onKey)
}
