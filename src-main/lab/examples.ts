/** `specs.examples`: the example specs bundled in `resources/examples`, one click away in the launch form. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SpecExample } from '../../src-shared/contract'
import { expandSpec } from '../../src-shared/spec/expand'

/** `resources/examples` of the repository: two levels up from src-main/lab and from out/main alike. */
export function examplesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const candidates = [resolve(here, '..', '..', 'resources', 'examples'), resolve(here, '..', '..', '..', 'resources', 'examples')]
  return candidates.find((d) => existsSync(d)) ?? candidates[0]
}

/** Every `*.json` of `dir` that parses, sorted by name, with how many runs it launches. */
export function listExamples(dir: string = examplesDir()): SpecExample[] {
  if (!existsSync(dir)) return []
  const out: SpecExample[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    let spec: unknown
    try {
      spec = JSON.parse(readFileSync(join(dir, file), 'utf8'))
    } catch {
      continue // A half-written example is left out rather than breaking the list.
    }
    const expanded = expandSpec(spec)
    const description =
      spec && typeof spec === 'object' && typeof (spec as { description?: unknown }).description === 'string'
        ? (spec as { description: string }).description
        : null
    out.push({ name: basename(file, '.json'), file, description, runCount: expanded.ok ? expanded.runs.length : null, spec })
  }
  return out
}
