/** Response headers shared by every reply of the server (DESIGN §8: no CORS, strict CSP). */
import type { ServerResponse } from 'node:http'
import type { ErrorCode } from '../../src-shared/contract'

/**
 * The page loads only its own scripts, styles and images and talks only to its own origin
 * (`'self'` covers the same-host ws: socket). No inline script, no frames, no plugins.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')

/** Set on every response, API or static. Deliberately no Access-Control-* header. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
}

/** HTTP status for each contract error code. */
export const STATUS_BY_ERROR_CODE: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  internal: 500,
  unavailable: 503,
}

/** Writes a JSON body (an envelope) with its status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.setHeader('Cache-Control', 'no-store')
  res.end(text)
}

/** An error envelope as the contract defines it, for failures the server itself detects. */
export function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string, details?: unknown): void {
  sendJson(res, status, { ok: false, error: details === undefined ? { code, message } : { code, message, details } })
}
