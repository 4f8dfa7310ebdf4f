/**
 * The browser-mode server end to end: a real Lab (createLab on a temporary database, scheduler
 * off so nothing trains here), real HTTP and WebSocket clients. Checks that every contract
 * method comes back as an envelope, that errors map to HTTP statuses, and the security rules of
 * DESIGN §8: token on every request and socket, no CORS, no traversal, body limit.
 */
import { request } from 'node:http'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createLab } from '../../src-main/lab'
import type { Lab } from '../../src-main/lab/types'
import { LARGE_BODY_BYTES, MAX_BODY_BYTES, ServerConfigError, startServer, type RunningServer } from '../../src-main/server'
import { openStore } from '../../src-main/store/index'

const TOKEN = 'test-token-0123456789abcdef'

const tinySpec = {
  name: 'server-test',
  dataset: { name: 'mnist-10k', trainLimit: 300 },
  model: { arch: 'mlp', hidden: [16] },
  training: { epochs: 1 },
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A request exactly as written (no URL normalisation, unlike fetch). */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
      },
    )
    req.on('error', reject)
    if (options.body !== undefined) req.write(options.body)
    req.end()
  })
}

interface EnvelopeBody {
  ok: boolean
  data?: unknown
  error?: { code: string; message: string }
}

async function call(server: RunningServer, method: string, input: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: EnvelopeBody; headers: Headers }> {
  const res = await fetch(new URL(`api/${method}`, server.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(input),
  })
  return { status: res.status, body: (await res.json()) as EnvelopeBody, headers: res.headers }
}

/** Resolves with the HTTP status of a refused upgrade, or 101 once the socket opens. */
function openSocket(url: string, headers: Record<string, string> = {}): Promise<{ status: number; socket?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.once('open', () => resolve({ status: 101, socket }))
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 })
      socket.terminate()
    })
    socket.once('error', (e) => reject(e))
  })
}

function nextMessage(socket: WebSocket, predicate: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching message')), timeoutMs)
    const onMessage = (data: WebSocket.RawData): void => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>
      if (predicate(m)) {
        clearTimeout(timer)
        socket.off('message', onMessage)
        resolve(m)
      }
    }
    socket.on('message', onMessage)
  })
}

describe('server', () => {
  let dir: string
  let staticDir: string
  let lab: Lab
  let open: RunningServer
  let secured: RunningServer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'complab-server-'))
    staticDir = join(dir, 'ui')
    mkdirSync(join(staticDir, 'assets'), { recursive: true })
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>lab</title><div id="app"></div>')
    writeFileSync(join(staticDir, 'assets', 'app-1234.js'), 'console.log("app")')
    writeFileSync(join(staticDir, 'assets', 'app-1234.css'), 'body{}')
    // Beside the UI folder: reachable only through traversal.
    writeFileSync(join(dir, 'secret.txt'), 'TOP-SECRET')
    lab = await createLab({ dataDir: join(dir, 'data'), dbPath: join(dir, 'lab.db'), schedule: false })
    open = await startServer({ lab, staticDir })
    secured = await startServer({ lab, staticDir, requireToken: true, token: TOKEN })
  })

  afterAll(async () => {
    await open?.close()
    await secured?.close()
    await lab?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('binds 127.0.0.1 by default with no token', () => {
    expect(open.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(open.token).toBeNull()
  })

  it('answers every contract method with its envelope', async () => {
    const validate = await call(open, 'experiments.validate', { spec: tinySpec })
    expect(validate.status).toBe(200)
    expect(validate.body).toMatchObject({ ok: true, data: { valid: true, runCount: 1 } })

    const launch = await call(open, 'experiments.launch', { spec: tinySpec })
    expect(launch.status).toBe(200)
    const { runIds, experimentId } = (launch.body as { data: { runIds: number[]; experimentId: number } }).data
    expect(runIds).toHaveLength(1)
    const id = runIds[0]

    const calls: [string, unknown][] = [
      ['experiments.list', {}],
      ['runs.list', {}],
      ['runs.get', { id }],
      ['runs.metrics', { id }],
      ['compare.table', { runIds: [id] }],
      ['export.table', { experimentId, format: 'csv' }],
      ['datasets.list', {}],
      ['models.list', {}],
      ['system.info', {}],
      ['runs.cancel', { id }],
    ]
    for (const [method, input] of calls) {
      const res = await call(open, method, input)
      expect(res.status, method).toBe(200)
      expect(res.body.ok, method).toBe(true)
      expect(res.body, method).toHaveProperty('data')
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    }
    const list = await call(open, 'runs.list', {})
    expect((list.body.data as { total: number }).total).toBe(1)
    const cancelled = await call(open, 'runs.get', { id })
    expect((cancelled.body.data as { status: string }).status).toBe('cancelled')
  })

  it('serves the matrices the CLI exports, and says why a selection makes none', async () => {
    const launch = await call(open, 'experiments.launch', { spec: { ...tinySpec, name: 'matrix', sweep: { seeds: [0, 1] } } })
    const { runIds } = (launch.body as { data: { runIds: number[] } }).data
    // A second connection plays the scheduler: it finishes the runs with their results.
    const side = openStore(lab.dbPath)
    try {
      for (const [i, id] of runIds.entries()) {
        side.runs.start(id)
        side.runs.settle(id, 'finished', null)
        side.outputs.setResults(id, { 'test.accuracy': 0.9 + i / 100, 'test.errors': 10 - i })
      }
    } finally {
      side.close()
    }
    const input = { runIds, kind: 'seeds', cells: 'numbers' }
    const res = await call(open, 'compare.matrix', input)
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual(await lab.call('compare.matrix', input))
    expect((res.body.data as { table: { rows: Record<string, unknown>[] } }).table.rows).toMatchObject([{ seeds: 2, mean: 0.905, 'errors.mean': 9.5 }])
    const none = await call(open, 'compare.matrix', { runIds, kind: 'teacher-student' })
    expect(none.status).toBe(200)
    expect(none.body.data).toEqual({ table: null, reason: expect.stringMatching(/no finished distillation runs/) })
  })

  it('maps invalid input to 400 with an envelope that names the field', async () => {
    const res = await call(open, 'runs.get', { id: 'seven' })
    expect(res.status).toBe(400)
    expect(res.body.ok).toBe(false)
    expect(res.body.error?.code).toBe('invalid_input')
    expect(res.body.error?.message).toMatch(/\bid\b/)

    const extra = await call(open, 'runs.list', { sort: 'password' })
    expect(extra.status).toBe(400)
    expect(extra.body.error?.message).toMatch(/sort/)

    const notJson = await raw(open.url, '/api/runs.list', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{oops' })
    expect(notJson.status).toBe(400)
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })

    // A grid value nested 10,000 deep: refused by the schema, not a stack overflow (500).
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`
    const body = JSON.stringify({ spec: { ...tinySpec, sweep: { grid: { 'training.epochs': ['DEEP'] } } } }).replace('"DEEP"', deep)
    const launch = await raw(open.url, '/api/experiments.launch', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    expect(launch.status).toBe(400)
    expect(JSON.parse(launch.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(launch.body).toMatch(/sweep\.grid\.training\.epochs\[0\]: nested more than 32 levels deep/)
  })

  it('maps a missing run to 404 and an unknown method to a 404 envelope', async () => {
    const missing = await call(open, 'runs.get', { id: 999 })
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ ok: false, error: { code: 'not_found' } })

    const unknown = await call(open, 'runs.delete_everything', {})
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(unknown.body.error?.message).toMatch(/runs\.delete_everything/)
  })

  it('refuses bodies over the limit with 413, and non-JSON bodies with 415', async () => {
    const big = JSON.stringify({ spec: { name: 'x'.repeat(MAX_BODY_BYTES + 10) } })
    const res = await raw(open.url, '/api/experiments.validate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: big })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })

    const form = await raw(open.url, '/api/runs.list', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' })
    expect(form.status).toBe(415)

    const get = await raw(open.url, '/api/runs.list')
    expect(get.status).toBe(405)
  })

  it('takes a model import larger than the usual limit, and still refuses one past its own', async () => {
    const weights = Buffer.alloc(MAX_BODY_BYTES + 1000, 7)
    const model = JSON.stringify({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [{ paths: ['weights.bin'], weights: [] }] })
    const files = [
      { name: 'model.json', base64: Buffer.from(model).toString('base64') },
      { name: 'weights.bin', base64: weights.toString('base64') },
    ]
    const imported = await call(open, 'models.import', { files })
    expect(imported.status).toBe(200)
    expect(imported.body).toMatchObject({ ok: true, data: { files: ['model.json', 'weights.bin'] } })
    // The same size to any other method is refused before it is read.
    const other = await raw(open.url, '/api/runs.tag', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids: [1], add: ['x'.repeat(MAX_BODY_BYTES)] }) })
    expect(other.status).toBe(413)
    const huge = await raw(open.url, '/api/models.import', { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': String((LARGE_BODY_BYTES['models.import'] ?? 0) + 1) } })
    expect(huge.status).toBe(413)
  })

  it('refuses a non-loopback bind without a token at start', async () => {
    await expect(startServer({ lab, host: '0.0.0.0' })).rejects.toBeInstanceOf(ServerConfigError)
    await expect(startServer({ lab, host: '0.0.0.0' })).rejects.toThrow(/token/)
    await expect(startServer({ lab, requireToken: true, token: 'short' })).rejects.toThrow(/at least 16/)
  })

  it('generates a token when one is required and none is given', async () => {
    const s = await startServer({ lab, requireToken: true })
    try {
      expect(s.token).toMatch(/^[A-Za-z0-9_-]{40,}$/)
      expect(s.pageUrl).toContain(`?token=${s.token}`)
      expect((await call(s, 'system.info', {})).status).toBe(401)
      expect((await call(s, 'system.info', {}, { Authorization: `Bearer ${s.token}` })).status).toBe(200)
    } finally {
      await s.close()
    }
  })

  it('with a token: refuses requests without it or with a wrong one, accepts the right one', async () => {
    const none = await call(secured, 'runs.list', {})
    expect(none.status).toBe(401)
    expect(none.body).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    expect((await call(secured, 'runs.list', {}, { Authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401)
    expect((await call(secured, 'runs.list', {}, { Authorization: `Bearer ${TOKEN}x` })).status).toBe(401)
    // A wrong header is not rescued by a right cookie.
    const cookie = `complab_token_${secured.port}=${TOKEN}`
    expect((await call(secured, 'runs.list', {}, { Authorization: 'Bearer nope-nope-nope-nope', Cookie: cookie })).status).toBe(401)

    const ok = await call(secured, 'runs.list', {}, { Authorization: `Bearer ${TOKEN}` })
    expect(ok.status).toBe(200)
    expect(ok.body.ok).toBe(true)

    // Static files need it too.
    expect((await raw(secured.url, '/')).status).toBe(401)
    expect((await raw(secured.url, '/assets/app-1234.js')).status).toBe(401)
    expect((await raw(secured.url, '/?token=wrong-token-0123456789')).status).toBe(401)
  })

  it('with a token: the first page load by ?token= sets a cookie that the page then uses', async () => {
    const page = await raw(secured.url, `/?token=${TOKEN}`)
    expect(page.status).toBe(200)
    const setCookie = String(page.headers['set-cookie'])
    expect(setCookie).toMatch(new RegExp(`complab_token_${secured.port}=`))
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    const cookie = setCookie.split(';')[0]
    expect((await raw(secured.url, '/assets/app-1234.js', { headers: { Cookie: cookie } })).status).toBe(200)
    expect((await call(secured, 'runs.list', {}, { Cookie: cookie })).status).toBe(200)
  })

  it('with a token: refuses the event socket without it or with a wrong one, opens with it', async () => {
    const wsBase = secured.url.replace(/^http/, 'ws') + 'api/events'
    expect((await openSocket(wsBase)).status).toBe(401)
    expect((await openSocket(`${wsBase}?token=wrong-token-0123456789`)).status).toBe(401)
    expect((await openSocket(wsBase, { Authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401)

    const { status, socket } = await openSocket(`${wsBase}?token=${encodeURIComponent(TOKEN)}`)
    expect(status).toBe(101)
    try {
      const created = nextMessage(socket!, (m) => m.event === 'run.created')
      await call(secured, 'experiments.launch', { spec: { ...tinySpec, name: 'socket-test' } }, { Authorization: `Bearer ${TOKEN}` })
      const message = await created
      expect(message.payload).toMatchObject({ runIds: [expect.any(Number)] })
    } finally {
      socket!.close()
    }
  })

  it('filters pushed events by the client subscription', async () => {
    const { socket } = await openSocket(open.url.replace(/^http/, 'ws') + 'api/events')
    try {
      const ack = nextMessage(socket!, (m) => 'subscribed' in m)
      socket!.send(JSON.stringify({ subscribe: ['run.status'] }))
      expect((await ack).subscribed).toEqual(['run.status'])
      const rejected = nextMessage(socket!, (m) => 'error' in m)
      socket!.send(JSON.stringify({ subscribe: ['run.secrets'] }))
      expect(String((await rejected).error)).toMatch(/run\.secrets/)

      // run.created is not subscribed: only the cancel's run.status arrives.
      const seen: string[] = []
      socket!.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { event?: string }
        if (m.event) seen.push(m.event)
      })
      const launch = await call(open, 'experiments.launch', { spec: { ...tinySpec, name: 'filter-test' } })
      const id = (launch.body.data as { runIds: number[] }).runIds[0]
      const status = nextMessage(socket!, (m) => m.event === 'run.status')
      await call(open, 'runs.cancel', { id })
      expect(await status).toMatchObject({ event: 'run.status', payload: { runId: id, status: 'cancelled' } })
      expect(seen).not.toContain('run.created')
    } finally {
      socket!.close()
    }
  })

  it('sends no CORS headers, and refuses cross-origin requests and sockets', async () => {
    const preflight = await raw(open.url, '/api/runs.list', {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    })
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    const res = await call(open, 'runs.list', {}, { Origin: 'http://evil.example' })
    expect(res.status).toBe(403)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    for (const path of ['/', '/assets/app-1234.js']) {
      const r = await raw(open.url, path)
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([])
    }
    const ws = open.url.replace(/^http/, 'ws') + 'api/events'
    expect((await openSocket(ws, { Origin: 'http://evil.example' })).status).toBe(403)
    // DNS rebinding: a page on another name that resolves to 127.0.0.1.
    const rebound = await raw(open.url, '/api/runs.list', { method: 'POST', headers: { Host: 'evil.example', 'Content-Type': 'application/json' }, body: '{}' })
    expect(rebound.status).toBe(403)
  })

  it('serves the UI with MIME types, security headers and the SPA fallback', async () => {
    const index = await raw(open.url, '/')
    expect(index.status).toBe(200)
    expect(index.headers['content-type']).toMatch(/^text\/html/)
    expect(index.body).toContain('<div id="app">')
    expect(index.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/)
    expect(index.headers['x-content-type-options']).toBe('nosniff')

    const js = await raw(open.url, '/assets/app-1234.js')
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.headers['cache-control']).toMatch(/immutable/)
    expect((await raw(open.url, '/assets/app-1234.css')).headers['content-type']).toMatch(/^text\/css/)

    const route = await raw(open.url, '/runs/12')
    expect(route.status).toBe(200)
    expect(route.body).toContain('<div id="app">')
    expect((await raw(open.url, '/assets/missing.js')).status).toBe(404)
    expect((await raw(open.url, '/', { method: 'DELETE' })).status).toBe(405)
  })

  it('refuses path traversal in every spelling', async () => {
    for (const path of [
      '/../secret.txt',
      '/../package.json',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2E%2E/package.json',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%5csecret.txt',
      '/..%5csecret.txt',
      '/.%2e/secret.txt',
      '/assets/%00.js',
    ]) {
      const res = await raw(open.url, path)
      expect([400, 403], path).toContain(res.status)
      expect(res.body, path).not.toContain('TOP-SECRET')
      expect(res.body, path).not.toContain('compression-lab')
    }
    expect((await raw(open.url, '/%E0%A4%A')).status).toBe(400)
  })
})
