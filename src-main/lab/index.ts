/**
 * The Lab service (DESIGN §1–2): opens the store, recovers and starts the scheduler, and serves
 * every contract method through one `handle` that validates input and returns envelopes. The
 * Electron, HTTP/WebSocket and CLI adapters are thin layers over this object.
 */
import { dirname, relative, resolve } from 'node:path'
import {
  LabError,
  isMethodName,
  methodInputs,
  type Envelope,
  type ErrorBody,
  type MethodName,
  type MethodOutputs,
} from '../../src-shared/contract'
import { zodIssues } from '../../src-shared/spec/expand'
import { forkLauncher } from '../scheduler/fork-launcher'
import { Scheduler } from '../scheduler/index'
import { QueueLauncher } from '../scheduler/remote/queue-launcher'
import { acquireLabLock, labLockHolder } from '../scheduler/lab-lock'
import { DatabaseOpenError, openStore, type Store } from '../store/index'
import {
  damagedBy,
  isDamaged,
  isLocked,
  LOCKED_BY_ANOTHER_PROGRAM,
  storageFailure,
} from '../store/storage-errors'
import { createEventBus } from './events'
import { createHandlers, type Handlers } from './handlers/index'
import { makeDirectory } from '../store/data-folder'
import { defaultDataDir, defaultDbPath } from './paths'
import { labVersion } from './version'
import type { Lab, LabOptions } from './types'

export type { Lab, LabOptions } from './types'

/**
 * How long one statement of the lab waits for a lock another program holds. Short, because it
 * waits on the event loop: writes refused by a lock are tried again asynchronously (the run
 * events by the scheduler, a request by `whileLocked`), and reads in WAL mode need no lock.
 */
const LAB_BUSY_TIMEOUT_MS = 50
/** How long a request that writes waits for another program's lock before it is refused. */
const REQUEST_LOCK_WAIT_MS = 30_000
/** Runs a lab with a queue may have on their way to remote workers at once (the queue holds them). */
const REMOTE_SLOTS = 10_000

/** Runs `fn`, and again with growing pauses while the database is locked, for up to `waitMs`. */
async function whileLocked<T>(fn: () => T | Promise<T>, waitMs: number): Promise<T> {
  const until = Date.now() + waitMs
  for (let pause = 50; ; pause = Math.min(1000, pause * 2)) {
    try {
      return await fn()
    } catch (err) {
      if (!isLocked(err) || Date.now() + pause > until) throw err
      await new Promise((r) => setTimeout(r, pause))
    }
  }
}

/** Turns anything thrown by a handler into the envelope's error body (`dbPath`: the lab's file). */
export function errorBody(err: unknown, dbPath?: string): ErrorBody {
  if (err instanceof LabError) {
    return err.details === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, details: err.details }
  }
  // The disk is full or the file read-only: say so, and that reading still works. A damaged
  // file: neither works; the sentence names the file and how to recover it.
  const storage = storageFailure(err, dbPath)
  if (storage) {
    const message = isDamaged(err) ? storage : `${storage}; the lab can still show what is stored`
    return { code: 'unavailable', message }
  }
  if (isLocked(err))
    return { code: 'unavailable', message: `${LOCKED_BY_ANOTHER_PROGRAM}; try again once it is released` }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}

/** Parses `input` with the method's schema; an error names every bad field. */
function parseInput<M extends MethodName>(method: M, input: unknown): unknown {
  const parsed = methodInputs[method].safeParse(input === undefined ? {} : input)
  if (parsed.success) return parsed.data
  const issues = zodIssues(parsed.error)
  const text = issues.map((i) => `${i.path}: ${i.message}`).join('; ')
  throw new LabError('invalid_input', `invalid input for ${method}: ${text}`, parsed.error.issues)
}

function createDataDir(dataDir: string): void {
  try {
    makeDirectory(dataDir)
  } catch (err) {
    throw new Error(`cannot create the data folder ${dataDir}: ${(err as Error).message}`)
  }
}

/**
 * Opens the lab: data folder, database (migrated), and, unless `schedule: false`, start-up
 * recovery (runs left `running` become `interrupted`) and the scheduler. Throws a one-line error
 * when the database cannot be opened or migrated.
 */
export async function createLab(options: LabOptions = {}): Promise<Lab> {
  const dataDir = resolve(options.dataDir ?? defaultDataDir())
  const dbPath =
    options.dbPath === ':memory:' ? ':memory:' : resolve(options.dbPath ?? defaultDbPath(dataDir))
  const schedule = options.schedule !== false
  // A lab that only reads (runs list, export) can still open a database it may not write.
  const open = (): Store =>
    openStore(dbPath, {
      nativeBinding: options.nativeBinding,
      allowReadOnly: !schedule,
      quickCheckMaxBytes: options.quickCheckMaxBytes,
    })
  // A database inside the data folder needs the folder first; one elsewhere is opened first, so
  // a bad --db path is reported as such rather than as a data-folder problem.
  const inside = dbPath !== ':memory:' && !relative(dataDir, dirname(dbPath)).startsWith('..')
  let store: Store
  if (inside) {
    createDataDir(dataDir)
    store = open()
  } else {
    store = open()
    try {
      createDataDir(dataDir)
    } catch (err) {
      // A lab that only reads needs no data folder of its own (a read-only copy of a database).
      if (schedule) {
        store.close()
        throw err
      }
    }
  }
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1))
  const events = createEventBus((err) => {
    process.emitWarning(
      `an event subscriber threw: ${err instanceof Error ? err.message : String(err)}`,
    )
  })
  let releaseLock = (): void => {}
  // Experiments launched here, when this lab runs only those (`complab run`).
  const launchedHere = options.runOnlyLaunched ? new Set<number>() : undefined
  let scheduler: Scheduler
  let remote: QueueLauncher | null = null
  try {
    // A lab that does not schedule never starts a worker; do not look for the entry file then.
    const local =
      options.launcher ??
      (schedule
        ? forkLauncher()
        : {
            spawn: (): never => {
              throw new Error('this lab does not run workers')
            },
          })
    const q = schedule ? options.queue : undefined
    if (q) {
      const slots = q.local ?? 0
      remote = await QueueLauncher.open({
        url: q.url, store, dataDir, version: labVersion(), attempts: q.attempts, checkMs: q.checkMs,
        local: slots > 0 ? { launcher: local, slots } : undefined,
      })
    }
    scheduler = new Scheduler({
      store,
      launcher: remote ?? local,
      dataDir,
      emit: (event, payload) => events.emit(event, payload),
      // With a queue, every runnable run may be on its way at once: the workers pace them.
      concurrency: remote ? (q?.local ?? 0) + REMOTE_SLOTS : concurrency,
      backend: options.backend,
      experiments: launchedHere,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
      lockWaitMs: options.lockWaitMs,
    })
    // Recovery happens only in a lab that schedules, and only one lab process schedules a
    // database: a read-only CLI command must not mark another lab's running runs interrupted.
    if (schedule) {
      if (dbPath !== ':memory:') releaseLock = acquireLabLock(dbPath)
      scheduler.start()
      await remote?.begin()
    }
    // Start-up (migrations, recovery) waited for locks as long as SQLite's default; from now on
    // a lock held by another program is waited for asynchronously.
    store.setBusyTimeout(LAB_BUSY_TIMEOUT_MS)
  } catch (err) {
    await remote?.close()
    releaseLock()
    store.close()
    // Recovery reads every unfinished run: the first place a damaged file too big to check shows.
    if (isDamaged(err))
      throw new DatabaseOpenError(dbPath, damagedBy(dbPath, err))
    throw err
  }
  const handlers: Handlers = createHandlers({
    store,
    scheduler,
    events,
    dataDir,
    concurrency,
    confinePaths: options.confinePaths === true,
    queueWorkers: remote ? () => remote!.workers() : undefined,
  })
  let stopped: Promise<void> | null = null

  const handle = async (method: string, input: unknown): Promise<Envelope<unknown>> => {
    try {
      if (stopped) throw new LabError('unavailable', 'the lab has stopped')
      if (!isMethodName(method)) throw new LabError('not_found', `unknown method "${method}"`)
      const handler = handlers[method] as ((input: unknown) => unknown) | undefined
      if (!handler) throw new LabError('not_found', `method "${method}" is not served by this lab`)
      const parsed = parseInput(method, input)
      const data = await whileLocked(() => handler(parsed), REQUEST_LOCK_WAIT_MS)
      // An accepted launch proves the database takes writes again: queued runs that waited
      // after a full disk may start.
      if (method === 'experiments.launch' || method === 'runs.rerun') scheduler.resumeQueue()
      if (method === 'experiments.launch' && launchedHere) {
        launchedHere.add((data as MethodOutputs['experiments.launch']).experimentId)
        scheduler.wake()
      }
      return { ok: true, data }
    } catch (err) {
      return { ok: false, error: errorBody(err, dbPath) }
    }
  }

  const lab: Lab = {
    dbPath,
    dataDir,
    handle,
    async call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutputs[M]> {
      const envelope = await handle(method, input)
      if (!envelope.ok)
        throw new LabError(envelope.error.code, envelope.error.message, envelope.error.details)
      return envelope.data as MethodOutputs[M]
    },
    subscribe: (event, handler) => events.subscribe(event, handler),
    async idle(experimentId?: number): Promise<void> {
      if (schedule) return scheduler.idle(experimentId)
      // Not scheduling here: another lab process may be running the queue; watch the database.
      while (!stopped && store.runs.activeCount(experimentId) > 0)
        await new Promise((r) => setTimeout(r, 500))
    },
    schedulingPid(): number | null {
      if (schedule) return process.pid
      return dbPath === ':memory:' ? null : labLockHolder(dbPath)
    },
    stop(): Promise<void> {
      stopped ??= (async () => {
        try {
          await scheduler.stop()
          await remote?.close()
        } finally {
          store.close()
          releaseLock()
        }
      })()
      return stopped
    },
  }
  return lab
}
