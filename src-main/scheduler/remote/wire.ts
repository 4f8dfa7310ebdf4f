/**
 * What crosses the wire between a lab and its remote workers, and nothing else (issue 17 item 2).
 *
 * Out, as a BullMQ job: the run's resolved config, seed (inside it), backend, the models it needs
 * (by run id, with each file's sha256) and the user files it reads (relative path and sha256).
 * Back, on the lab's Redis stream: one entry per event, numbered per (run, attempt) and signed
 * with the BullMQ lock token of the job the worker holds: the run worker's messages, artifact
 * files in chunks, and requests for teacher/parent models, which the lab answers on a reply
 * stream of that attempt. The lab acknowledges an entry only once its SQLite transaction has
 * committed, and stores each (run, attempt, seq) once.
 */
import { createHash } from 'node:crypto'
import { openSync, readSync, closeSync } from 'node:fs'
import type { RunConfig } from '../../../src-shared/spec/expand'
import type { WorkerMessage } from '../../worker/protocol'

/** A file the run needs, as the lab recorded it. */
export interface WireFile {
  /** Relative to the model's folder (models) or to the data folder (user files). */
  path: string
  sha256: string
  bytes: number
}

/** A model a run needs: a finished run's saved model, fetched from the lab. */
export interface WireModel {
  runId: number
  /** Which file of `files` loads the model (model.json). */
  entry: string
  files: WireFile[]
}

/** The BullMQ job's data. */
export interface RemoteJob {
  /** The lab that launched it: the stream its events go to. */
  labId: string
  /** The lab's version: a worker of another version refuses the job, saying both. */
  version: string
  runId: number
  config: RunConfig
  backend?: string
  /** Tries before the run fails (a worker that dies hands it on as the next attempt). */
  attempts: number
  teachers: WireModel[]
  parent: WireModel | null
  /** Imported models (`{ path }` references), looked up under the worker's data folder. */
  importedTeachers: WireFile[]
  importedParent: WireFile | null
  /** User files and folders the dataset reads; a folder's sha256 covers every file in it. */
  dataFiles: (WireFile & { kind: 'file' | 'folder' })[]
}

/** What a stream entry carries besides its envelope. */
export type WireBody =
  /** The worker took the job: this attempt begins on `worker` (host, backend). */
  | { kind: 'start'; host: string }
  | { kind: 'message'; message: WorkerMessage }
  /** A piece of an artifact file (path relative to the run's artifact folder). */
  | { kind: 'chunk'; path: string; offset: number; data: string }
  /** The whole file arrived: the lab checks it and records the artifact. */
  | { kind: 'artifact'; artifactKind: string; path: string; bytes: number; sha256: string }
  /** Send model `runId`'s files on this attempt's reply stream. */
  | { kind: 'fetch'; modelRunId: number }

/** One stream entry: who sends it (job, attempt, lock token, worker) and its place (seq). */
export type WireEvent = WireBody & {
  jobId: string
  runId: number
  attempt: number
  seq: number
  token: string
  worker: string
}

/** Chunks of artifacts and models: small enough for Redis, large enough to be few. */
export const CHUNK_BYTES = 256 * 1024

/** The Redis keys of one queue (BullMQ keeps its own under `bull:complab:`). */
export const keys = {
  events: (labId: string): string => `complab:events:${labId}`,
  reply: (jobId: string, attempt: number): string => `complab:reply:${jobId}:${attempt}`,
  cancel: 'complab:cancel',
  workers: 'complab:workers',
  lock: (jobId: string): string => `bull:complab:${jobId}:lock`,
}

/** The consumer group of a lab on its event stream (one reader: the lab). */
export const LAB_GROUP = 'lab'

/** BullMQ job id of a run's queue entry: the lab, the run and when it was sent (a rerun is new). */
export function jobIdOf(labId: string, runId: number, startedAt: string | null): string {
  return `${labId}-${runId}-${startedAt ? Date.parse(startedAt) : 0}`
}

/** sha256 of a file, read in pieces. */
export function fileSha256(path: string): string {
  const hash = createHash('sha256')
  const fd = openSync(path, 'r')
  try {
    const buf = Buffer.alloc(1 << 20)
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n <= 0) break
      hash.update(buf.subarray(0, n))
    }
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

/** A relative path that stays inside its folder (`a/b.bin`), or null. */
export function confinedRelative(path: string): string | null {
  if (!path || path.includes('\0') || path.startsWith('/') || /^[A-Za-z]:/.test(path)) return null
  const parts = path.split(/[\\/]/)
  if (parts.some((p) => p === '..' || p === '')) return null
  return parts.join('/')
}
