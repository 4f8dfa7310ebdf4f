/** Watching real processes from a test: alive (not a zombie), children, waiting for a condition. */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

/** A process that exists and is not a zombie (an orphan's zombie lingers where PID 1 does not reap). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

/** Resolves true as soon as `test()` holds, false if it still does not after `timeoutMs`. */
export async function waitFor(test: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (test()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return test()
}

/** The pids of `parent`'s child processes (`ps --ppid`). */
export function childrenOf(parent: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((pid) => pid > 0)
  } catch {
    return [] // ps exits 1 when there is none
  }
}
