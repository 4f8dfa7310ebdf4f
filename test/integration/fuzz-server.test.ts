/**
 * The HTTP + WebSocket server under bad input and without credentials (DESIGN §8).
 *
 * Fuzz: raw bodies (broken JSON, deep nesting, prototype keys, wrong content types, oversized and
 * chunked bodies), odd URLs and the generated invalid requests of fuzz-inputs, all over real HTTP:
 * each answered with a 4xx error envelope, the server still serving, the database unchanged.
 *
 * Security: bound to a non-loopback address with a token, every contract method and the socket
 * are refused without it (or with a wrong one, or the token where it does not count); on loopback
 * without a token, a foreign Host (DNS rebinding) is refused for every method; no CORS header is
 * ever sent; every method has a body limit.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { METHOD_NAMES } from '../../src-shared/contract'
import { startServer, type RunningServer } from '../../src-main/server'
import { LARGE_BODY_BYTES, MAX_BODY_BYTES } from '../../src-main/server/server'
import { databaseDigest } from '../helpers/db-digest'
import { fuzzFixture, type FuzzFixture } from '../helpers/fuzz-fixture'
import { methodCases, specCases } from '../helpers/fuzz-inputs'
import { seededRandom, testSeed } from '../helpers/seeded-random'

const TOKEN = 'fuzz-token-0123456789abcdef'
const SEED = testSeed(8080)

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** One request exactly as written; `chunks` sends the body in pieces without a Content-Length. */
function send(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'POST', headers: options.headers }, (res) => {
      const parts: Buffer[] = []
      res.on('data', (c: Buffer) => parts.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }))
    })
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may close the socket of an oversized upload right after answering it.
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') resolve({ status: -1, headers: {}, body: '' })
      else reject(e)
    })
    if (options.chunks) for (const c of options.chunks) req.write(c)
    else if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

const JSON_HEADERS = { 'Content-Type': 'application/json' }

function envelopeOf(r: Reply): { ok: boolean; error?: { code: string; message: string } } {
  return JSON.parse(r.body) as { ok: boolean; error?: { code: string; message: string } }
}

function expectErrorEnvelope(r: Reply, what: string, statuses: number[] = [400, 401, 403, 404, 405, 409, 413, 415]): void {
  expect(statuses, `${what}: status ${r.status} ${r.body.slice(0, 200)}`).toContain(r.status)
  const e = envelopeOf(r)
  expect(e.ok, what).toBe(false)
  expect(typeof e.error?.message, what).toBe('string')
  expect(r.headers['access-control-allow-origin'], what).toBeUndefined()
}

let fx: FuzzFixture
let open: RunningServer
let secured: RunningServer
let before: Record<string, string>

beforeAll(async () => {
  fx = await fuzzFixture()
  before = databaseDigest(fx.dbPath)
  open = await startServer({ lab: fx.lab })
  // Every interface: the token is the only thing between the lab and the network.
  secured = await startServer({ lab: fx.lab, host: '0.0.0.0', token: TOKEN })
})
afterAll(async () => {
  await open?.close()
  await secured?.close()
  await fx?.cleanup()
})

describe(`server fuzz (seed ${SEED})`, () => {
  it('answers broken bodies, wrong types, odd URLs and oversized uploads with error envelopes', async () => {
    const bodies: { what: string; body: string | Buffer; type?: string }[] = [
      { what: 'truncated', body: '{"id": ' },
      { what: 'trailing comma', body: '{"id": 1,}' },
      { what: 'NaN', body: '{"id": NaN}' },
      { what: 'single quotes', body: "{'id': 1}" },
      { what: 'BOM', body: '\ufeff{"id": 1}' },
      { what: 'UTF-16', body: Buffer.from('{"id": 1}', 'utf16le') },
      { what: 'binary', body: Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]) },
      { what: 'deep arrays', body: '['.repeat(200_000) + ']'.repeat(200_000) },
      { what: 'deep objects', body: '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000) },
      { what: 'unclosed deep', body: '['.repeat(500_000) },
      { what: 'prototype key', body: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}' },
      { what: 'a string', body: '"runs"' },
      { what: 'null', body: 'null' },
      { what: 'huge number', body: '{"id": 1e999999}' },
      { what: 'form', body: 'id=1', type: 'application/x-www-form-urlencoded' },
      { what: 'text', body: '{"id": 1}', type: 'text/plain' },
      { what: 'multipart', body: '--x\r\n\r\n', type: 'multipart/form-data; boundary=x' },
    ]
    for (const method of ['runs.get', 'experiments.launch', 'runs.delete', 'models.import']) {
      for (const b of bodies) {
        const r = await send(open.port, `/api/${method}`, { headers: { 'Content-Type': b.type ?? 'application/json' }, body: b.body })
        // A body that parses into something valid-looking is still refused by the method's schema.
        expectErrorEnvelope(r, `${method} ${b.what}`)
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()

    for (const path of ['/api/../../etc/passwd', '/api/runs.list%00', '/api/%2e%2e%2fetc', '/api/runs.list/..', `/api/${'x'.repeat(4000)}`, '/api/__proto__', '/api/constructor', '/api/']) {
      expectErrorEnvelope(await send(open.port, path, { headers: JSON_HEADERS, body: '{}' }), path)
    }
    expectErrorEnvelope(await send(open.port, '/api/runs.list', { method: 'GET' }), 'GET a method')
    expectErrorEnvelope(await send(open.port, '/api/runs.delete', { method: 'PUT', headers: JSON_HEADERS, body: '{"ids":[1]}' }), 'PUT a method')

    // Every method has a body limit, declared or not (chunked).
    for (const method of METHOD_NAMES) {
      const limit = LARGE_BODY_BYTES[method] ?? MAX_BODY_BYTES
      if (limit > MAX_BODY_BYTES) continue
      const over = Buffer.alloc(limit + 1, 0x20)
      const declared = await send(open.port, `/api/${method}`, { headers: { ...JSON_HEADERS, 'Content-Length': String(over.length) }, body: over })
      if (declared.status !== -1) expectErrorEnvelope(declared, `${method} oversized`, [413])
      const chunked = await send(open.port, `/api/${method}`, { headers: JSON_HEADERS, chunks: [over.subarray(0, limit / 2), over.subarray(limit / 2)] })
      if (chunked.status !== -1) expectErrorEnvelope(chunked, `${method} oversized, chunked`, [413])
    }
  })

  it('answers generated invalid requests over HTTP with 4xx envelopes and changes nothing', async () => {
    const rng = seededRandom(SEED)
    const cases = methodCases(rng, fx.spec, 800).filter((c) => c.refusedBySchema && c.input !== undefined)
    for (const [i, c] of cases.entries()) {
      const r = await send(open.port, `/api/${c.method}`, { headers: JSON_HEADERS, body: JSON.stringify(c.input) })
      expectErrorEnvelope(r, `seed ${SEED} case ${i}: ${c.method} ${c.mutation} ${JSON.stringify(c.input).slice(0, 200)}`, [400])
    }
    for (const [i, c] of specCases(rng, fx.spec, 150).entries()) {
      const r = await send(open.port, '/api/experiments.launch', { headers: JSON_HEADERS, body: JSON.stringify({ spec: c.spec }) })
      expectErrorEnvelope(r, `seed ${SEED} spec ${i}: ${c.mutation}`, [400])
    }
    // Still serving; nothing changed.
    const list = await send(open.port, '/api/runs.list', { headers: JSON_HEADERS, body: '{}' })
    expect(list.status).toBe(200)
    expect(databaseDigest(fx.dbPath)).toEqual(before)
  }, 120_000)
})

/** Resolves with the HTTP status of a refused upgrade, or 101 once the socket opens. */
function socketStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('error', reject)
  })
}

describe('server security', () => {
  it('off loopback: every method is refused without the token, with a wrong one, or with it where it does not count', async () => {
    const wrongCookie = `complab_token_${secured.port + 1}=${TOKEN}`
    const attempts: { what: string; headers: Record<string, string>; query?: string; body?: (input: unknown) => unknown }[] = [
      { what: 'no token', headers: {} },
      { what: 'wrong token', headers: { Authorization: 'Bearer wrong-token-0123456789abcdef' } },
      { what: 'token prefix', headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}` } },
      { what: 'token plus', headers: { Authorization: `Bearer ${TOKEN}x` } },
      { what: 'basic scheme', headers: { Authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } },
      { what: 'another port’s cookie', headers: { Cookie: wrongCookie } },
      { what: 'token in the body', headers: {}, body: (input) => ({ ...(input as object), token: TOKEN }) },
      { what: 'empty query token', headers: {}, query: '?token=' },
    ]
    for (const method of METHOD_NAMES) {
      for (const a of attempts) {
        const input = {}
        const r = await send(secured.port, `/api/${method}${a.query ?? ''}`, {
          headers: { ...JSON_HEADERS, ...a.headers },
          body: JSON.stringify(a.body ? a.body(input) : input),
        })
        expectErrorEnvelope(r, `${method}: ${a.what}`, [401])
        expect(envelopeOf(r).error?.code).toBe('unauthorized')
      }
    }
    // The page and its assets too.
    for (const path of ['/', '/index.html', '/assets/x.js', '/runs/1']) expect((await send(secured.port, path, { method: 'GET' })).status).toBe(401)
    // With the token every method is at least reached (its own answer, never 401).
    for (const method of METHOD_NAMES) {
      const r = await send(secured.port, `/api/${method}`, { headers: { ...JSON_HEADERS, Authorization: `Bearer ${TOKEN}` }, body: '{"__invalid": 1}' })
      expect(r.status, method).not.toBe(401)
    }
  })

  it('off loopback: the event socket is refused without the token', async () => {
    const base = `ws://127.0.0.1:${secured.port}/api/events`
    expect(await socketStatus(base)).toBe(401)
    expect(await socketStatus(`${base}?token=wrong-token-0123456789abcdef`)).toBe(401)
    expect(await socketStatus(base, { Authorization: 'Bearer wrong-token-0123456789abcdef' })).toBe(401)
    expect(await socketStatus(base, { Cookie: `complab_token_${secured.port + 1}=${TOKEN}` })).toBe(401)
    expect(await socketStatus(`ws://127.0.0.1:${secured.port}/api/other?token=${TOKEN}`)).toBe(404)
    expect(await socketStatus(`${base}?token=${TOKEN}`)).toBe(101)
    // Cross-site socket hijacking: the right token from a foreign page is still refused.
    expect(await socketStatus(`${base}?token=${TOKEN}`, { Origin: 'http://evil.example' })).toBe(403)
  })

  it('on loopback without a token: a foreign Host (DNS rebinding) is refused for every method and the socket', async () => {
    for (const method of METHOD_NAMES) {
      const r = await send(open.port, `/api/${method}`, { headers: { ...JSON_HEADERS, Host: `evil.example:${open.port}` }, body: '{}' })
      expectErrorEnvelope(r, method, [403])
    }
    expect(await socketStatus(`ws://127.0.0.1:${open.port}/api/events`, { Host: 'evil.example' })).toBe(401)
  })

  it('never sends CORS headers; cross-origin calls are refused even with the token', async () => {
    for (const method of METHOD_NAMES) {
      const preflight = await send(secured.port, `/api/${method}`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
      })
      expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-')), method).toEqual([])
      const cross = await send(secured.port, `/api/${method}`, {
        headers: { ...JSON_HEADERS, Authorization: `Bearer ${TOKEN}`, Origin: 'http://evil.example' },
        body: '{}',
      })
      expectErrorEnvelope(cross, `${method} cross-origin`, [403])
      expect(Object.keys(cross.headers).filter((h) => h.startsWith('access-control-')), method).toEqual([])
    }
    expect(databaseDigest(fx.dbPath)).toEqual(before)
  })
})
