/**
 * Standing rules of CONVENTIONS.md that a reviewer should not have to check by eye: no import
 * cycle among the source files (type-only imports included: a cycle of types still ties two
 * rooms together), and no `.ts` or `.vue` file in `src-*` over 400 lines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ROOMS = ['src-main', 'src-shared', 'src-renderer']
const MAX_LINES = 400

function sourceFiles(): string[] {
  const files: string[] = []
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (/\.(ts|vue)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path)
    }
  }
  for (const room of ROOMS) walk(join(ROOT, room))
  return files
}

const IMPORT = /^\s*(?:import|export)\s[^'";]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm

/** The relative imports of a file, resolved to files (`./x` → `./x.ts`, `./x/index.ts`, `.vue`). */
function importsOf(file: string): string[] {
  const found: string[] = []
  for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    const base = resolve(dirname(file), m[1])
    const hit = [base, `${base}.ts`, `${base}.vue`, join(base, 'index.ts')].find(
      (c) => existsSync(c) && statSync(c).isFile(),
    )
    if (hit) found.push(hit)
  }
  return found
}

/** Strongly connected components of more than one file (Tarjan), or a file importing itself. */
function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (v: string): void => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component)
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return cycles
}

it('finds a cycle when there is one (the check itself)', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ])
  expect(importCycles(graph).map((c) => c.sort())).toEqual([['a', 'b', 'c']])
  expect(importCycles(new Map([['a', ['b']], ['b', []]]))).toEqual([])
})

it('has no import cycle in src-main, src-shared or src-renderer', () => {
  const files = sourceFiles()
  const graph = new Map(files.map((f) => [f, importsOf(f)]))
  const cycles = importCycles(graph).map((c) => c.map((f) => relative(ROOT, f)).sort().join(' → '))
  expect(cycles).toEqual([])
})

it(`has no source file over ${MAX_LINES} lines`, () => {
  const long = sourceFiles()
    .map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter((f) => f.lines > MAX_LINES)
  expect(long).toEqual([])
})
