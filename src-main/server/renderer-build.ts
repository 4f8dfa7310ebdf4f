/**
 * Where the built UI lives and how to make it when it is missing (a fresh checkout has no `out/`).
 * Only the renderer is built here (vite, with the renderer section of electron.vite.config.ts):
 * the browser mode needs neither the Electron main process nor the preload.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as vite from 'vite'
import type * as viteConfig from '../../electron.vite.config'

/** The repository (or installed package) root: this file is src-main/server/renderer-build.ts. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Where `electron-vite build` puts the renderer. */
export const DEFAULT_RENDERER_DIR = join(PROJECT_ROOT, 'out', 'renderer')

/** True when `dir` holds a built renderer. */
export function rendererIsBuilt(dir: string = DEFAULT_RENDERER_DIR): boolean {
  return existsSync(join(dir, 'index.html'))
}

/**
 * Builds the renderer into `out/renderer` unless it is already there. Needs the dev dependencies
 * (vite, @vitejs/plugin-vue); without them it says so and how to build elsewhere.
 */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}): Promise<string> {
  if (rendererIsBuilt()) return DEFAULT_RENDERER_DIR
  log('the user interface is not built yet: building it now (vite build of src-renderer, ~10 s)')
  let modules: [typeof vite, typeof viteConfig]
  try {
    modules = await Promise.all([import('vite'), import('../../electron.vite.config')])
  } catch (e) {
    throw new Error(
      `cannot build the user interface here (${(e as Error).message.split('\n')[0]}); ` +
        'install the dev dependencies and run `npm run build`',
    )
  }
  const [{ build }, { rendererStandaloneConfig }] = modules
  await build(rendererStandaloneConfig())
  if (!rendererIsBuilt()) throw new Error(`the renderer build finished but ${DEFAULT_RENDERER_DIR}/index.html is missing`)
  return DEFAULT_RENDERER_DIR
}
