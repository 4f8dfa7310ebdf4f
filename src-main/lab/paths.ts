/**
 * Where the lab keeps its data when no folder is given (DESIGN §5). Electron passes
 * `app.getPath('userData')` itself; headless uses the XDG data folder.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

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

/** The folder one run writes its artifacts to. */
export function runArtifactDir(dataDir: string, runId: number): string {
  return join(dataDir, 'artifacts', `run-${runId}`)
}

/**
 * `mkdir -p` that fails fast with a one-line reason. Node's own `mkdirSync(…, { recursive: true })`
 * can spin forever under /proc (ENOENT on every try), so each missing folder is made in turn.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = []
  let cur = dir
  while (!existsSync(cur)) {
    missing.unshift(cur)
    const up = dirname(cur)
    if (up === cur) break
    cur = up
  }
  if (existsSync(cur) && !statSync(cur).isDirectory()) throw new Error(`${cur} is not a directory`)
  for (const d of missing) {
    try {
      mkdirSync(d)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue
      const reason =
        code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'ENOENT'
            ? `cannot create ${d}`
            : code === 'EROFS'
              ? 'read-only file system'
              : err instanceof Error
                ? err.message
                : String(err)
      throw new Error(reason)
    }
  }
}
