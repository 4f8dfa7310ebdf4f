/**
 * Who may talk to the server (DESIGN §8). On loopback with no token anyone on this machine may;
 * otherwise every request and socket must carry the token: `Authorization: Bearer <t>`,
 * `?token=<t>` (the first page load, the event socket), or the cookie set on that first load so
 * the page's own assets and reloads keep working.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'

/** Shortest token accepted from a user: anything shorter is guessable over a network. */
export const MIN_TOKEN_LENGTH = 16

/** A fresh token: 32 random bytes, URL-safe. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.')
  return false
}

/**
 * Constant-time comparison. Hashing both sides first makes the compared buffers the same length,
 * so neither the content nor the length of the token leaks through timing.
 */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

/** The cookie that carries the token for one server (cookies ignore ports, names must not). */
export function tokenCookieName(port: number): string {
  return `complab_token_${port}`
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return undefined
      }
    }
  }
  return undefined
}

/** Where a request's token came from; `query` on a page load means: set the cookie. */
export interface PresentedToken {
  value: string
  source: 'header' | 'query' | 'cookie'
}

/** Every token the request presents, in order of preference. */
export function presentedTokens(req: IncomingMessage, query: URLSearchParams, cookieName: string): PresentedToken[] {
  const found: PresentedToken[] = []
  const auth = req.headers.authorization
  if (auth && /^Bearer\s+/i.test(auth)) found.push({ value: auth.replace(/^Bearer\s+/i, '').trim(), source: 'header' })
  const q = query.get('token')
  if (q !== null) found.push({ value: q, source: 'query' })
  const c = cookieValue(req, cookieName)
  if (c !== undefined) found.push({ value: c, source: 'cookie' })
  return found
}

/**
 * The request is authorised when the first token it presents matches. Only the first counts: a
 * wrong header with a right cookie is refused, so a stale cookie never masks a bad credential.
 */
export function authorise(req: IncomingMessage, query: URLSearchParams, token: string, cookieName: string): PresentedToken | null {
  const [first] = presentedTokens(req, query, cookieName)
  if (!first) return null
  return tokenMatches(first.value, token) ? first : null
}

/**
 * Guards a loopback server without a token against DNS rebinding: a page on evil.example whose
 * name resolves to 127.0.0.1 sends `Host: evil.example`, which is refused here.
 */
export function hostHeaderIsLoopback(req: IncomingMessage): boolean {
  const host = req.headers.host
  if (!host) return false
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]
  return isLoopbackHost(name)
}

/**
 * A browser sends `Origin` on cross-site POSTs and WebSocket upgrades. When it names a different
 * host than the one the request was sent to, another site is trying to drive the lab: refuse.
 */
export function originIsSameHost(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  if (origin === 'null') return false
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}
