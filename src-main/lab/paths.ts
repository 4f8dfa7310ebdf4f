/**
 * Where the lab keeps its data when no folder is given (DESIGN §5). Electron passes
 * `app.getPath('userData')` itself; headless uses the XDG data folder.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

/** `$XDG_DATA_HOME/compression-lab`, or `~/.local/share/compression-lab` when it is unset. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME
  // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
  const base = xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.local', 'share')
  return join(base, 'compression-lab')
}

/** The database file inside a data folder. */
export function defaultDbPath(dataDir: string): string {
  return join(dataDir, 'lab.db')
}
