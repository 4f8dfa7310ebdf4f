/**
 * One scheduling lab per database (DESIGN §1: one writer). A second lab process that scheduled
 * on the same file would mark the first one's running runs `interrupted` at its start-up and run
 * the same queue. The lock is a file beside the database holding the owner's pid; a lock whose
 * process is gone (a crash) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { LabError } from '../../src-shared/contract'

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function ownerOf(lockPath: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

/**
 * Takes the scheduling lock of `dbPath` for this process; returns its release. Throws a
 * `conflict` LabError naming the other process when a live one holds it.
 */
export function acquireLabLock(dbPath: string): () => void {
  const lockPath = `${dbPath}.lock`
  const owner = ownerOf(lockPath)
  if (owner !== null && owner !== process.pid && processAlive(owner)) {
    throw new LabError(
      'conflict',
      `another lab (pid ${owner}) is running the queue of ${dbPath}; stop it first, or open this database without scheduling`,
    )
  }
  writeFileSync(lockPath, `${process.pid}\n`)
  return () => {
    if (ownerOf(lockPath) === process.pid) rmSync(lockPath, { force: true })
  }
}
