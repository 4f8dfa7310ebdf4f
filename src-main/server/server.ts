/**
 * The browser-mode adapter (DESIGN §8): the contract over HTTP (`POST /api/<method>`) and
 * WebSocket (`/api/events`), plus the built renderer. No business logic: the Lab validates and
 * answers; this file only moves envelopes and enforces who may ask.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { isMethodName } from '../../src-shared/contract'
import type { Envelope } from '../../src-shared/contract'
import type { Lab } from '../lab/types'
import {
  MIN_TOKEN_LENGTH,
  authorise,
  generateToken,
  hostHeaderIsLoopback,
  isLoopbackHost,
  originIsSameHost,
  tokenCookieName,
} from './auth'
import { createEventHub } from './event-socket'
import { STATUS_BY_ERROR_CODE, sendError, sendJson, setSecurityHeaders } from './http-headers'
import { createStaticFiles, type StaticFiles } from './static-files'

/** Largest request body accepted; a launch spec is a few kilobytes. */
export const MAX_BODY_BYTES = 1 << 20

/** Methods whose input may be large: files (a model's weights, base64: 64 MiB of file is about 86 MiB of JSON), whole tables. */
export const LARGE_BODY_BYTES: Readonly<Partial<Record<string, number>>> = {
  'models.import': 96 << 20,
  // A table as shown (10,000 runs × a dozen columns is a few MB).
  'export.render': 16 << 20,
}

export interface ServerOptions {
  lab: Lab
  /** Address to bind; default 127.0.0.1. Any non-loopback address requires a token. */
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** The access token; required (or generated, see `requireToken`) off loopback. */
  token?: string
  /** Demand a token even on loopback; one is generated when `token` is not given. */
  requireToken?: boolean
  /** The built renderer (`out/renderer`); without it only the API is served. */
  staticDir?: string
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:5173/ (without the token). */
  url: string
  /** The token clients must present, or null when none is required (loopback only). */
  token: string | null
  /** The URL to open in a browser: with `?token=` when one is required. */
  pageUrl: string
  port: number
  close(): Promise<void>
}

/** A server refused to start for a reason the user can fix (printed as one line). */
export class ServerConfigError extends Error {
  override name = 'ServerConfigError'
}

function resolveToken(options: ServerOptions, host: string): string | null {
  if (options.token !== undefined) {
    if (options.token.length < MIN_TOKEN_LENGTH) {
      throw new ServerConfigError(`the token must be at least ${MIN_TOKEN_LENGTH} characters`)
    }
    return options.token
  }
  if (options.requireToken) return generateToken()
  if (!isLoopbackHost(host)) {
    throw new ServerConfigError(
      `refusing to serve on ${host} without a token: anyone who can reach it could run code on this machine; ` +
        'give a token, or bind 127.0.0.1',
    )
  }
  return null
}

/** Reads a JSON body up to `MAX_BODY_BYTES`; answers 413/400 itself and resolves `undefined` then. */
function readJsonBody(req: IncomingMessage, res: ServerResponse, limit = MAX_BODY_BYTES): Promise<{ value: unknown } | undefined> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? '0')
    if (declared > limit) {
      tooLarge(req, res, limit)
      resolve(undefined)
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > limit) {
        done = true
        tooLarge(req, res, limit)
        resolve(undefined)
        return
      }
      chunks.push(chunk)
    })
    req.on('error', () => {
      if (!done) {
        done = true
        resolve(undefined)
      }
    })
    req.on('end', () => {
      if (done) return
      done = true
      const text = Buffer.concat(chunks).toString('utf8')
      if (text.trim() === '') {
        resolve({ value: {} })
        return
      }
      try {
        resolve({ value: JSON.parse(text) })
      } catch (e) {
        sendError(res, 400, 'invalid_input', `the request body is not valid JSON: ${(e as Error).message}`)
        resolve(undefined)
      }
    })
  })
}

function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.setHeader('Connection', 'close')
  sendError(res, 413, 'invalid_input', `the request body is larger than ${limit} bytes`)
  // Stop reading the rest of an oversized upload; the reply is already on its way.
  req.unpipe()
  req.resume()
}

function statusOf(envelope: Envelope<unknown>): number {
  return envelope.ok ? 200 : (STATUS_BY_ERROR_CODE[envelope.error.code] ?? 500)
}

async function handleApi(lab: Lab, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isMethodName(method)) {
    sendError(res, 404, 'not_found', `unknown method '${method}'`)
    return
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST')
    sendError(res, 405, 'invalid_input', `${method} is called with POST`)
    return
  }
  // Only JSON: a cross-site HTML form cannot send it without a CORS preflight, which fails here.
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  if (type !== 'application/json') {
    sendError(res, 415, 'invalid_input', 'the request body must be application/json')
    return
  }
  const body = await readJsonBody(req, res, LARGE_BODY_BYTES[method] ?? MAX_BODY_BYTES)
  if (!body) return
  let envelope: Envelope<unknown>
  try {
    envelope = await lab.handle(method, body.value)
  } catch (e) {
    // The Lab wraps its own failures; reaching this is a bug, still answered as an envelope.
    envelope = { ok: false, error: { code: 'internal', message: (e as Error).message } }
  }
  sendJson(res, statusOf(envelope), envelope)
}

/** Starts the HTTP + WebSocket server over `lab`. Throws `ServerConfigError` for unsafe options. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const token = resolveToken(options, host)
  const { lab } = options
  const staticFiles: StaticFiles | null = options.staticDir ? await createStaticFiles(options.staticDir) : null
  const hub = createEventHub(lab)
  let cookieName = ''

  /** Returns true when the request may proceed; answers 401/403 itself otherwise. */
  const admit = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams, isPage: boolean): boolean => {
    if (token === null) {
      if (!hostHeaderIsLoopback(req)) {
        sendError(res, 403, 'unauthorized', 'this server answers only requests addressed to localhost')
        return false
      }
      return true
    }
    const presented = authorise(req, query, token, cookieName)
    if (!presented) {
      res.setHeader('WWW-Authenticate', 'Bearer')
      sendError(res, 401, 'unauthorized', 'a valid token is required (Authorization: Bearer <token>, or ?token=)')
      return false
    }
    if (isPage && presented.source === 'query') {
      // The page keeps access after the first load (its assets, reloads) through this cookie;
      // SameSite=Strict keeps other sites from riding on it.
      res.setHeader('Set-Cookie', `${cookieName}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`)
    }
    return true
  }

  const server = createServer((req, res) => {
    setSecurityHeaders(res)
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q)
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1))
    const isApi = rawPath === '/api' || rawPath.startsWith('/api/')
    if (!admit(req, res, query, !isApi)) return
    if (!originIsSameHost(req)) {
      sendError(res, 403, 'unauthorized', 'cross-origin requests are not accepted')
      return
    }
    if (isApi) {
      handleApi(lab, rawPath.slice('/api/'.length), req, res).catch((e: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'internal', (e as Error).message)
        else res.destroy()
      })
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      sendError(res, 405, 'invalid_input', 'only GET and HEAD are served here')
      return
    }
    if (!staticFiles) {
      sendError(res, 404, 'not_found', 'no user interface is served here (the renderer was not built)')
      return
    }
    staticFiles
      .serve(rawPath, res, req.method === 'HEAD')
      .then((served) => {
        if (!served) sendError(res, 404, 'not_found', 'not found')
      })
      .catch(() => {
        if (!res.headersSent) sendError(res, 500, 'internal', 'could not read the file')
        else res.destroy()
      })
  })
  // Slow-loris guard; long-lived sockets are the WebSocket's, which leave this server's control.
  server.headersTimeout = 20_000
  server.requestTimeout = 60_000

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const rawUrl = req.url ?? '/'
    const q = rawUrl.indexOf('?')
    const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q)
    const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1))
    const refuse = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (rawPath !== '/api/events') return refuse(404, 'Not Found')
    if (token === null ? !hostHeaderIsLoopback(req) : !authorise(req, query, token, cookieName)) {
      return refuse(401, 'Unauthorized')
    }
    // Cross-site WebSocket hijacking: browsers send Origin, and it must be this server.
    if (!originIsSameHost(req)) return refuse(403, 'Forbidden')
    hub.wss.handleUpgrade(req, socket, head, (ws) => hub.wss.emit('connection', ws, req))
  })

  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  cookieName = tokenCookieName(port)
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost === '0.0.0.0' || shownHost === '[::]' ? '127.0.0.1' : shownHost}:${port}/`
  let closing: Promise<void> | null = null
  return {
    url,
    token,
    port,
    pageUrl: token ? `${url}?token=${encodeURIComponent(token)}` : url,
    close() {
      closing ??= (async () => {
        await hub.close()
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeIdleConnections()
          for (const socket of sockets) socket.destroy()
        })
      })()
      return closing
    },
  }
}
