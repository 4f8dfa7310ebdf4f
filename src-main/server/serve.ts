/**
 * `complab serve` and the headless `npm start`: open the lab, build the UI if needed, and serve
 * both on one port. Loopback by default; any other address gets a token (given or generated).
 */
import { createLab } from '../lab'
import type { LabOptions } from '../lab/types'
import { defaultDataDir, defaultDbPath } from '../lab/paths'
import type { Lab } from '../lab/types'
import { isLoopbackHost } from './auth'
import { ensureRendererBuilt } from './renderer-build'
import { startServer } from './server'

export interface ServeOptions {
  dbPath?: string
  dataDir?: string
  host?: string
  port?: number
  token?: string
  concurrency?: number
  backend?: string
  /** Remote workers through a queue (issue 17). */
  queue?: LabOptions['queue']
  /** Serve this folder instead of `out/renderer` (built when missing). */
  staticDir?: string
  /** Where progress lines go (building, the URL). Default: nowhere; the caller prints `url`. */
  log?: (line: string) => void
}

export interface ServedLab {
  /** The URL to open, with `?token=` when a token is required. */
  url: string
  token: string | null
  lab: Lab
  /** Stops the server, then the lab (queued runs stay queued for next time). */
  close(): Promise<void>
}

/** Opens the lab at `dbPath`/`dataDir` and serves the UI and the API. */
export async function serveLab(options: ServeOptions = {}): Promise<ServedLab> {
  const log = options.log ?? ((): void => {})
  const host = options.host ?? '127.0.0.1'
  const staticDir = options.staticDir ?? (await ensureRendererBuilt(log))
  const dataDir = options.dataDir ?? defaultDataDir()
  const lab = await createLab({
    dbPath: options.dbPath ?? defaultDbPath(dataDir),
    dataDir,
    concurrency: options.concurrency,
    backend: options.backend,
    queue: options.queue,
    // Requests come from a browser: spec file paths must stay in the data folder (DESIGN §8).
    confinePaths: true,
  })
  try {
    const server = await startServer({
      lab,
      host,
      port: options.port,
      token: options.token,
      // Off loopback a token is never optional: generate one when none was given.
      requireToken: !isLoopbackHost(host),
      staticDir,
    })
    if (server.token && options.token === undefined) log(`access token (generated): ${server.token}`)
    return {
      url: server.pageUrl,
      token: server.token,
      lab,
      async close() {
        await server.close()
        await lab.stop()
      },
    }
  } catch (e) {
    await lab.stop()
    throw e
  }
}
