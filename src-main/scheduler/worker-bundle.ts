/**
 * The run worker as plain JavaScript when the lab runs from source (issue 17: speed-up of a sweep).
 * Forked as TypeScript under tsx, every run's process spent ~2 CPU-s in tsx's module hooks
 * (resolve and load of each of the engine's modules across the loader thread) before it said
 * `ready`, more than a tiny run trains. So the entry is bundled once with esbuild — our sources
 * only; packages stay external and load from node_modules as in the Electron build's `worker.js`
 * (electron.vite.config.ts) — and each run forks that bundle: one process per run as before,
 * started in a third of the time. The engine stays a separate chunk that the entry imports only
 * after it watches its lab (src-main/worker/index.ts), as from source.
 *
 * The bundle is content-addressed under `<project>/.cache/run-worker/<sha256>/`, inside the
 * project so that its imports of packages find `node_modules`. Where esbuild or the folder is
 * not there to use, the caller forks the TypeScript entry under tsx, as before.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'

/** Bundles not used for this long are removed when another is written. */
const KEEP_UNUSED_MS = 7 * 24 * 3600 * 1000

interface OutputFile {
  path: string
  contents: Uint8Array
}
interface Esbuild {
  buildSync(options: Record<string, unknown>): { outputFiles?: OutputFile[] }
}

/** `<project>/.cache/run-worker` for the entry `<project>/src-main/worker/index.ts`. */
export function bundleRoot(entry: string): string {
  return join(dirname(dirname(dirname(resolve(entry)))), '.cache', 'run-worker')
}

/**
 * The bundled entry (`index.mjs`) for the TypeScript worker entry `entry`, built now unless the
 * same bundle is already there. Throws when esbuild is missing or the build fails.
 */
export function bundleWorker(entry: string, root: string = bundleRoot(entry)): string {
  const esbuild = createRequire(import.meta.url)('esbuild') as Esbuild
  const out = resolve(root, 'out')
  const { outputFiles = [] } = esbuild.buildSync({
    entryPoints: { index: resolve(entry) },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    write: false,
    logLevel: 'silent',
  })
  const hash = createHash('sha256')
  const files = outputFiles.map((f) => ({ name: relative(out, f.path), contents: f.contents }))
  files.sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const f of files) hash.update(f.name).update('\0').update(f.contents).update('\0')
  const dir = resolve(root, hash.digest('hex').slice(0, 16))
  const index = join(dir, 'index.mjs')
  if (!existsSync(index)) {
    // Written beside, then renamed: a process that starts a run meanwhile never sees half a bundle.
    const partial = `${dir}.${process.pid}.partial`
    rmSync(partial, { recursive: true, force: true })
    for (const f of files) {
      mkdirSync(dirname(join(partial, f.name)), { recursive: true })
      writeFileSync(join(partial, f.name), f.contents)
    }
    try {
      renameSync(partial, dir)
    } catch (err) {
      // Another lab wrote the same bundle first: theirs is this one.
      rmSync(partial, { recursive: true, force: true })
      if (!existsSync(index)) throw err
    }
    removeUnused(root, dir)
  }
  const now = new Date()
  utimesSync(dir, now, now)
  return index
}

/** Removes the bundles of older sources that no lab has started from in a week. */
function removeUnused(root: string, keep: string): void {
  const old = Date.now() - KEEP_UNUSED_MS
  for (const name of readdirSync(root)) {
    const path = resolve(root, name)
    if (path === keep) continue
    try {
      if (statSync(path).mtimeMs < old) rmSync(path, { recursive: true, force: true })
    } catch {
      // Removed by another lab meanwhile.
    }
  }
}
