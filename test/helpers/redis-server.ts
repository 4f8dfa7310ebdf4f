/**
 * A real Redis for the queue's tests (issue 17): Debian's `redis-server` on a free loopback port,
 * its files in a temp folder, AOF on and a password, as `resources/deploy/redis.conf` asks. It can
 * be killed (SIGKILL) and started again on the same port and folder: what AOF kept comes back.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const REDIS_SERVER = '/usr/bin/redis-server'
export const HAVE_REDIS = existsSync(REDIS_SERVER)
const OPENSSL = '/usr/bin/openssl'

export interface TestRedis {
  readonly url: string
  readonly port: number
  readonly password: string
  readonly dir: string
  /** SIGKILL: no save, no goodbye (AOF has what was acknowledged, fsync always). */
  kill(): Promise<void>
  /** Starts it again on the same port and folder. */
  restart(): Promise<void>
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** A TLS-only Redis: its certificate (self-signed, for 127.0.0.1) and key, in its folder. */
export interface RedisTls {
  cert: string
  key: string
}

/**
 * A throwaway certificate for 127.0.0.1 made with the openssl command, or why there is none.
 * Node trusts it where NODE_EXTRA_CA_CERTS names it.
 */
export function makeTestCertificate(dir: string): RedisTls | string {
  if (!existsSync(OPENSSL)) return `no ${OPENSSL}`
  const tls = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') }
  try {
    execFileSync(OPENSSL, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', tls.key, '-out', tls.cert,
    ], { stdio: 'pipe' })
  } catch (err) {
    return `openssl could not make a certificate: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`
  }
  return tls
}

function launch(port: number, dir: string, password: string, tls?: RedisTls): Promise<ChildProcess> {
  // With TLS, the port speaks only TLS (no plain port at all).
  const ports = tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.cert, '--tls-auth-clients', 'no']
    : ['--port', String(port)]
  const child = spawn(
    REDIS_SERVER,
    [
      ...ports, '--bind', '127.0.0.1', '--dir', dir, '--save', '',
      '--appendonly', 'yes', '--appendfsync', 'always', '--maxmemory-policy', 'noeviction',
      '--requirepass', password, '--daemonize', 'no', '--loglevel', 'notice',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000)
    const look = (c: Buffer): void => {
      out += c.toString()
      if (/Ready to accept connections/i.test(out)) {
        clearTimeout(timer)
        resolve(child)
      }
    }
    child.stdout?.on('data', look)
    child.stderr?.on('data', look)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with ${code}: ${out}`))
    })
  })
}

/** Starts a Redis for one test file (TLS only, `rediss://`, with `tls`). */
export async function startRedis(o: { tls?: RedisTls } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'complab-redis-'))
  const port = await freePort()
  const password = 'queue-test-secret'
  const tls = o.tls
  let child: ChildProcess | null = await launch(port, dir, password, tls)
  const kill = async (): Promise<void> => {
    const c = child
    child = null
    if (!c || c.exitCode !== null) return
    const gone = new Promise((r) => c.once('exit', r))
    c.kill('SIGKILL')
    await gone
  }
  return {
    url: `${tls ? 'rediss' : 'redis'}://:${password}@127.0.0.1:${port}`,
    port,
    password,
    dir,
    kill,
    async restart() {
      await kill()
      child = await launch(port, dir, password, tls)
    },
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
