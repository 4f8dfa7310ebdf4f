/**
 * A real Redis for the queue's tests (issue 17): Debian's `redis-server` on a free loopback port,
 * its files in a temp folder, AOF on and a password, as `resources/deploy/redis.conf` asks. It can
 * be killed (SIGKILL) and started again on the same port and folder: what AOF kept comes back.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const REDIS_SERVER = '/usr/bin/redis-server'
export const HAVE_REDIS = existsSync(REDIS_SERVER)

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

function launch(port: number, dir: string, password: string): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
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

/** Starts a Redis for one test file. */
export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'complab-redis-'))
  const port = await freePort()
  const password = 'queue-test-secret'
  let child: ChildProcess | null = await launch(port, dir, password)
  const kill = async (): Promise<void> => {
    const c = child
    child = null
    if (!c || c.exitCode !== null) return
    const gone = new Promise((r) => c.once('exit', r))
    c.kill('SIGKILL')
    await gone
  }
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    port,
    password,
    dir,
    kill,
    async restart() {
      await kill()
      child = await launch(port, dir, password)
    },
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
