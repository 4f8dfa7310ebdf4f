/**
 * The data folder's layout beside the database (DESIGN §5): each run's artifact folder, which the
 * scheduler creates and tidies, the worker writes into, the store's artifacts table points into
 * and the lab deletes with its run; and a `mkdir -p` that says in one line why it failed. Here,
 * below both the lab and the scheduler, so neither imports the other for it.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'

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
