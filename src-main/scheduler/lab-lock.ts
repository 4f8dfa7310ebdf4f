/**
 * One scheduling lab per database (DESIGN §1: one writer). A second lab process that scheduled
 * on the same file would mark the first one's running runs `interrupted` at its start-up and run
 * the same queue. The lock is a file beside the database holding the owner's pid; a lock whose
 * process is gone (a crash) is taken over. Two labs starting at once cannot both take it: the
 * file is created atomically (see `tryCreate`).
 */
import { linkSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { LabError } from '../../src-shared/contract'
import { fileErrorReason } from '../store/file-errors'
import { processAlive } from '../worker/process-alive'

function ownerOf(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function conflict(owner: number, dbPath: string): LabError {
  return new LabError(
    'conflict',
    `another lab (pid ${owner}) is running the queue of ${dbPath}; stop it first, or open this database without scheduling`,
  )
}

/**
 * Creates the lock file holding this pid, atomically: the pid is written to a file of our own,
 * which is then hard-linked to the lock's name. A link fails when the name exists, so of two
 * processes starting at once exactly one gets the lock, and no one ever reads a half-written pid.
 */
function tryCreate(lockPath: string): boolean {
  const mine = `${lockPath}.${process.pid}`
  try {
    writeFileSync(mine, `${process.pid}\n`)
    linkSync(mine, lockPath)
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw err
  } finally {
    rmSync(mine, { force: true })
  }
  // A file system without hard links: exclusive create, still atomic (the pid follows at once).
  try {
    writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx' })
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
}

/**
 * Removes the lock of a dead owner. It is moved aside first (rename is atomic); if what was moved
 * turns out to be a live lab's fresh lock (it took over the same stale lock a moment earlier), it
 * is put back, and that lab keeps it.
 */
function removeStale(lockPath: string, staleOwner: number | null): void {
  const aside = `${lockPath}.stale-${process.pid}`
  try {
    renameSync(lockPath, aside)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  const moved = ownerOf(aside)
  if (moved !== staleOwner && moved !== null && processAlive(moved)) {
    try {
      linkSync(aside, lockPath)
    } catch {
      // Someone else holds the name again; the next look decides.
    }
  }
  rmSync(aside, { force: true })
}

function justCreated(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < 500
  } catch {
    return false
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Takes the scheduling lock of `dbPath` for this process; returns its release. Throws a
 * `conflict` LabError naming the other process when a live one holds it, and a one-line error
 * naming the lock file and the reason when the file system refuses it (a full disk).
 */
export function acquireLabLock(dbPath: string): () => void {
  const lockPath = `${dbPath}.lock`
  try {
    return takeLock(dbPath, lockPath)
  } catch (err) {
    if (err instanceof LabError) throw err
    throw new Error(
      `cannot create the lab's lock file ${lockPath} (it marks the lab that runs this database's queue): ${fileErrorReason(err)}`,
    )
  }
}

function takeLock(dbPath: string, lockPath: string): () => void {
  const release = (): void => {
    if (ownerOf(lockPath) === process.pid) rmSync(lockPath, { force: true })
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    if (tryCreate(lockPath)) return release
    const owner = ownerOf(lockPath)
    // This process already schedules the database (a second lab object in one process).
    if (owner === process.pid) return release
    if (owner !== null && processAlive(owner)) throw conflict(owner, dbPath)
    // No pid in a fresh file: another lab is writing it this very moment; look again.
    if (owner === null && justCreated(lockPath)) {
      pause(50)
      continue
    }
    removeStale(lockPath, owner)
    pause(5 + Math.floor(Math.random() * 20))
  }
  const owner = ownerOf(lockPath)
  throw owner !== null
    ? conflict(owner, dbPath)
    : new LabError('conflict', `cannot take the scheduling lock ${lockPath}; is another lab starting?`)
}

/**
 * The pid of the live lab process that schedules `dbPath`, or null when none does (no lock, or
 * the lock of a lab that died): then runs the database holds as `running` have no one running them.
 */
export function labLockHolder(dbPath: string): number | null {
  const owner = ownerOf(`${dbPath}.lock`)
  return owner !== null && processAlive(owner) ? owner : null
}
