/**
 * The run worker bundled once for a lab running from source (issue 17): one bundle per content,
 * the engine in a chunk of its own (loaded after the worker watches its lab, as from source), a
 * forked bundle trains like the TypeScript entry, and a source that cannot be bundled still runs
 * under tsx.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { forkTarget, resolveWorkerEntry } from '../../../src-main/scheduler/fork-launcher'
import { bundleRoot, bundleWorker } from '../../../src-main/scheduler/worker-bundle'
import { tempDir } from '../store/helpers'

const t = tempDir()
afterAll(() => t.cleanup())

describe('run worker bundle', () => {
  it('lives in the project (so packages resolve from node_modules), one folder per content', () => {
    const entry = resolveWorkerEntry()
    expect(bundleRoot(entry)).toBe(join(entry, '..', '..', '..', '.cache', 'run-worker'))
    const root = join(t.dir, 'bundles')
    const index = bundleWorker(entry, root)
    expect(index).toMatch(/[0-9a-f]{16}\/index\.mjs$/)
    const written = statSync(index).mtimeMs
    expect(bundleWorker(entry, root)).toBe(index)
    expect(statSync(index).mtimeMs).toBe(written)
    expect(readdirSync(root)).toHaveLength(1)
    // The entry itself imports no package that loads TF.js: the engine is a chunk it imports later.
    const text = readFileSync(index, 'utf8')
    expect(text).not.toMatch(/from ["']@tensorflow/)
    expect(text).toMatch(/import\(["']\.\/engine-[A-Z0-9]+\.mjs["']\)/)
  })

  it('removes the bundles of other sources not started from in a week', () => {
    const root = join(t.dir, 'old')
    const src = join(t.dir, 'src', 'worker')
    mkdirSync(src, { recursive: true })
    const entry = join(src, 'index.ts')
    writeFileSync(entry, 'export const a: number = 1\n')
    const first = join(bundleWorker(entry, root), '..')
    const aWeekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000)
    utimesSync(first, aWeekAgo, aWeekAgo)
    writeFileSync(entry, 'export const a: number = 2\n')
    const second = join(bundleWorker(entry, root), '..')
    expect(second).not.toBe(first)
    expect(existsSync(first)).toBe(false)
    expect(existsSync(second)).toBe(true)
  })

  it('forks a JavaScript entry as it is, and a TypeScript one that cannot be bundled under tsx', () => {
    expect(forkTarget('/app/out/main/worker.js')()).toEqual({ file: '/app/out/main/worker.js', execArgv: [] })
    const broken = join(t.dir, 'p', 'src-main', 'worker', 'index.ts')
    mkdirSync(join(broken, '..'), { recursive: true })
    writeFileSync(broken, 'export const = \n')
    const target = forkTarget(broken)()
    expect(target.file).toBe(broken)
    expect(target.execArgv[0]).toBe('--import')
    expect(target.execArgv[1]).toMatch(/tsx/)
    const good = forkTarget(resolveWorkerEntry())()
    expect(good.file).toMatch(/\.cache\/run-worker\/[0-9a-f]{16}\/index\.mjs$/)
    expect(good.execArgv).toEqual([])
  })
})
