/**
 * A remote worker's sending side for one attempt of one run: every event gets the next sequence
 * number and the job's lock token and goes onto the lab's stream. While Redis is away, ioredis
 * keeps the commands (`enableOfflineQueue`, no retry limit) and sends them, in order, once it is
 * back; a command that may have been sent twice is stored once by the lab (by its seq).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import type { Redis } from 'ioredis'
import { CHUNK_BYTES, keys, type WireBody, type WireEvent } from './wire'

type Envelope = Omit<WireEvent, 'seq' | keyof WireBody | 'kind'>

/** Bound on the lab's stream, so a lab away for days cannot fill Redis without end. */
const STREAM_MAX = 5_000_000

export class EventOut {
  private seq = 0
  private readonly inFlight = new Set<Promise<unknown>>()
  private failure: unknown = null

  constructor(
    private readonly redis: Redis,
    private readonly labId: string,
    private readonly envelope: Envelope,
  ) {}

  send(body: WireBody): void {
    const event = { ...this.envelope, seq: ++this.seq, ...body }
    const p = this.redis
      .xadd(keys.events(this.labId), 'MAXLEN', '~', STREAM_MAX, '*', 'e', JSON.stringify(event))
      .catch((err: unknown) => (this.failure ??= err))
      .finally(() => this.inFlight.delete(p))
    this.inFlight.add(p)
  }

  /** Sends a file in chunks, then its record (relative path, size, sha256). */
  sendFile(path: string, rel: string, artifactKind: string, sha256: string): void {
    const bytes = statSync(path).size
    const fd = openSync(path, 'r')
    try {
      const buf = Buffer.alloc(CHUNK_BYTES)
      for (let offset = 0; offset < Math.max(1, bytes); offset += CHUNK_BYTES) {
        const n = readSync(fd, buf, 0, CHUNK_BYTES, offset)
        this.send({ kind: 'chunk', path: rel, offset, data: buf.subarray(0, n).toString('base64') })
      }
    } finally {
      closeSync(fd)
    }
    this.send({ kind: 'artifact', artifactKind, path: rel, bytes, sha256 })
  }

  /** Resolves once Redis has every event sent so far (waits through a Redis restart). */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight])
    if (this.failure) throw this.failure
  }
}
