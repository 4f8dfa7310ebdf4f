/**
 * Serves the built renderer (`out/renderer`): correct MIME types, the SPA fallback to index.html
 * for page routes, and nothing outside the folder — every path segment is decoded and checked
 * before it is joined, so `..`, encoded slashes and NUL bytes never reach the file system.
 */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { extname, join, sep } from 'node:path'

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

/** What a request path resolves to, or why it is refused. */
export type StaticTarget =
  | { kind: 'file'; segments: string[] }
  | { kind: 'refused'; status: 400 | 403; reason: string }

/** Splits and decodes a URL path; refuses traversal and anything that could escape the root. */
export function parseStaticPath(rawPath: string): StaticTarget {
  const segments: string[] = []
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue
    let seg: string
    try {
      seg = decodeURIComponent(raw)
    } catch {
      return { kind: 'refused', status: 400, reason: 'malformed path' }
    }
    if (seg === '.' || seg === '..' || seg.includes('/') || seg.includes('\\') || seg.includes('\0')) {
      return { kind: 'refused', status: 403, reason: 'path outside the app' }
    }
    // Dot-files (.env, .git) are never part of a build.
    if (seg.startsWith('.')) return { kind: 'refused', status: 403, reason: 'hidden file' }
    segments.push(seg)
  }
  return { kind: 'file', segments }
}

async function fileInside(root: string, segments: string[]): Promise<string | null> {
  const candidate = join(root, ...segments)
  try {
    const real = await realpath(candidate)
    // A symlink inside the build could still point elsewhere: compare real paths.
    if (real !== root && !real.startsWith(root + sep)) return null
    const info = await stat(real)
    return info.isFile() ? real : null
  } catch {
    return null
  }
}

function send(res: ServerResponse, file: string, size: number, head: boolean, cache: string): void {
  res.statusCode = 200
  res.setHeader('Content-Type', MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
  res.setHeader('Content-Length', size)
  res.setHeader('Cache-Control', cache)
  if (head) {
    res.end()
    return
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}

/** A static file server over one folder. */
export interface StaticFiles {
  /** Answers GET/HEAD for `rawPath`; returns false when there is nothing to serve (404). */
  serve(rawPath: string, res: ServerResponse, head: boolean): Promise<boolean>
}

/** Serves `staticDir`; page routes without a file extension fall back to its index.html. */
export async function createStaticFiles(staticDir: string): Promise<StaticFiles> {
  const root = await realpath(staticDir)
  return {
    async serve(rawPath, res, head) {
      const target = parseStaticPath(rawPath)
      if (target.kind === 'refused') {
        res.statusCode = target.status
        res.setHeader('Content-Type', 'text/plain; charset=utf-8')
        res.end(target.reason)
        return true
      }
      const { segments } = target
      const file = segments.length ? await fileInside(root, segments) : null
      if (file) {
        // Vite's hashed assets never change under the same name.
        const immutable = segments[0] === 'assets'
        send(res, file, (await stat(file)).size, head, immutable ? 'private, max-age=31536000, immutable' : 'no-cache')
        return true
      }
      // A missing asset (has an extension) is a 404; anything else is a page route for the SPA.
      const last = segments[segments.length - 1] ?? ''
      if (extname(last) !== '') return false
      const index = await fileInside(root, ['index.html'])
      if (!index) return false
      send(res, index, (await stat(index)).size, head, 'no-cache')
      return true
    },
  }
}
