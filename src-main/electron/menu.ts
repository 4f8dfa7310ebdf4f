/**
 * The application menu (DESIGN §7): File (open and save a spec, import a teacher model, export the
 * table in view, launch), Edit, View (the lab's views, zoom, reload) and Help. Items that act on
 * the page send a command to the window, which handles it like the same keyboard shortcut.
 */
import type { MenuItemConstructorOptions } from 'electron'

export const MENU_COMMANDS = [
  'open-spec',
  'save-spec',
  'import-teacher',
  'export-table',
  'launch',
  'show-shortcuts',
  'go:launch',
  'go:runs',
  'go:compare',
  'go:sweeps',
  'go:system',
] as const
export type MenuCommand = (typeof MENU_COMMANDS)[number]

/** The menu's template; `send` delivers a command to the focused window. */
export function menuTemplate(send: (command: MenuCommand) => void, options: { platform: string; devTools: boolean }): MenuItemConstructorOptions[] {
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  })
  const mac = options.platform === 'darwin'
  const views: [string, MenuCommand][] = [
    ['Launch', 'go:launch'],
    ['Runs', 'go:runs'],
    ['Compare', 'go:compare'],
    ['Sweeps', 'go:sweeps'],
    ['System', 'go:system'],
  ]
  return [
    ...(mac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        item('Open Spec…', 'open-spec', 'CmdOrCtrl+O'),
        item('Save Spec…', 'save-spec', 'CmdOrCtrl+S'),
        item('Import Teacher Model…', 'import-teacher', 'CmdOrCtrl+I'),
        { type: 'separator' },
        item('Launch', 'launch', 'CmdOrCtrl+Enter'),
        item('Export Table…', 'export-table', 'CmdOrCtrl+E'),
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...views.map(([label, command], i) => item(label, command, `CmdOrCtrl+${i + 1}`)),
        { type: 'separator' },
        { role: 'reload' },
        ...(options.devTools ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    { label: '&Help', submenu: [item('Keyboard Shortcuts', 'show-shortcuts', 'Shift+/')] },
  ]
}
