/**
 * Where the built UI lives and how to make it when it is missing or older than its sources (a
 * fresh checkout has no `out/`; a pulled one may have an old build). Only the renderer is built
 * here (vite, with the renderer section of electron.vite.config.ts): the browser mode needs
 * neither the Electron main process nor the preload.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as vite from 'vite'
import type * as viteConfig from '../../electron.vite.config'

/** The repository (or installed package) root: this file is src-main/server/renderer-build.ts. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Where `electron-vite build` puts the renderer. */
export const DEFAULT_RENDERER_DIR = join(PROJECT_ROOT, 'out', 'renderer')

/** What the renderer is built from. */
const RENDERER_SOURCES = [join(PROJECT_ROOT, 'src-renderer'), join(PROJECT_ROOT, 'src-shared')]

/** True when `dir` holds a built renderer. */
export function rendererIsBuilt(dir: string = DEFAULT_RENDERER_DIR): boolean {
  return existsSync(join(dir, 'index.html'))
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  return readdirSync(path).reduce((newest, entry) => Math.max(newest, newestMtime(join(path, entry))), 0)
}

/** True when a renderer source file is newer than the build (or there is no build). */
export function rendererIsStale(dir: string = DEFAULT_RENDERER_DIR): boolean {
  if (!rendererIsBuilt(dir)) return true
  const built = statSync(join(dir, 'index.html')).mtimeMs
  return RENDERER_SOURCES.some((src) => newestMtime(src) > built)
}

/**
 * Builds the renderer into `out/renderer` when it is missing or stale, and returns the folder.
 * Needs the dev dependencies (vite, @vitejs/plugin-vue): without them a stale build is served as
 * it is, and a missing one is an error that says how to build it.
 */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}): Promise<string> {
  if (!rendererIsStale()) return DEFAULT_RENDERER_DIR
  const missing = !rendererIsBuilt()
  let modules: [typeof vite, typeof viteConfig]
  try {
    modules = await Promise.all([import('vite'), import('../../electron.vite.config')])
  } catch (e) {
    const why = (e as Error).message.split('\n')[0]
    if (!missing) {
      log(`the user interface is older than its sources, but cannot be rebuilt here (${why}); serving it as it is`)
      return DEFAULT_RENDERER_DIR
    }
    throw new Error(`cannot build the user interface here (${why}); install the dev dependencies and run \`npm run build\``)
  }
  log(`${missing ? 'the user interface is not built yet' : 'the user interface is older than its sources'}: building it (vite build of src-renderer, ~10 s)`)
  const [{ build }, { rendererStandaloneConfig }] = modules
  await build(rendererStandaloneConfig())
  if (!rendererIsBuilt()) throw new Error(`the renderer build finished but ${DEFAULT_RENDERER_DIR}/index.html is missing`)
  return DEFAULT_RENDERER_DIR
}
