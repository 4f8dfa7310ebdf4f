/**
 * Where the queue is (issue 17 item 1, 6): `redis://[user:password@]host:port[/db]`,
 * `rediss://…` for TLS, or `redis+unix:///path/to.sock` (tests). The URL may come from
 * `COMPLAB_QUEUE_URL`, so that a password is not in the process list; a URL is only ever shown
 * with its password replaced by `***`.
 */
import { isIP } from 'node:net'
import type { ConnectionOptions } from 'bullmq'
import type { RedisOptions } from 'ioredis'

/** The queue's BullMQ name; every Redis key of the lab's remote work starts with `complab:`. */
export const QUEUE_NAME = 'complab'

export interface QueueAddress {
  /** The URL as given (with its password: never print it, see `redactedUrl`). */
  url: string
  /** ioredis options; `maxRetriesPerRequest: null` as BullMQ needs, and commands wait offline. */
  redis: RedisOptions
}

/** The URL of `--queue` or, without it, of `COMPLAB_QUEUE_URL`; undefined when neither is set. */
export function queueUrlFrom(option: string | undefined, env = process.env): string | undefined {
  return option ?? (env.COMPLAB_QUEUE_URL || undefined)
}

/** `redis://user:***@host:6379/0`. */
export function redactedUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@')
}

/** Parses a queue URL; throws a one-line error naming what is wrong (never the password). */
export function parseQueueUrl(url: string): QueueAddress {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    // Not echoed: what does not parse may still hold a password.
    throw new Error('not a queue URL (expected redis://[user:password@]host:port[/db] or rediss://…)')
  }
  const common: RedisOptions = {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    // Reconnect quickly and for ever: a Redis that restarts must find its workers again.
    retryStrategy: (times) => Math.min(200 * times, 2000),
    lazyConnect: false,
  }
  if (u.username) common.username = decodeURIComponent(u.username)
  if (u.password) common.password = decodeURIComponent(u.password)
  if (u.protocol === 'redis+unix:' || u.protocol === 'unix:') {
    return { url, redis: { ...common, path: decodeURIComponent(u.pathname) } }
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw new Error(`the queue URL must start with redis:// or rediss://, got ${u.protocol}//`)
  const db = u.pathname.replace(/^\//, '')
  const host = u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1'
  if (db && !/^\d+$/.test(db)) throw new Error(`the queue URL's database must be a number, got '${db}'`)
  const redis: RedisOptions = {
    ...common,
    host,
    port: u.port ? Number(u.port) : 6379,
    db: db ? Number(db) : 0,
  }
  // TLS checks the certificate against the host; SNI carries a name, never an address (RFC 6066).
  if (u.protocol === 'rediss:') redis.tls = isIP(host) ? {} : { servername: host }
  return { url, redis }
}

/** The same options as BullMQ's connection type (it declares its own, narrower, RedisOptions). */
export function bullConnection(address: QueueAddress): ConnectionOptions {
  return address.redis as ConnectionOptions
}
