/** The lab's version, read from the nearest package.json (works from source and bundled). */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | null = null

/** `version` of the nearest package.json named compression-lab above this module, or `0.0.0`. */
export function labVersion(): string {
  if (cached !== null) return cached
  cached = '0.0.0'
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
        if (pkg.name === 'compression-lab' && pkg.version) {
          cached = pkg.version
          break
        }
      } catch {
        // unreadable package.json: keep looking upwards
      }
    }
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return cached
}
