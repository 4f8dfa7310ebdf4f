/** Ordering of run statuses, so that late or replayed events never move a run backwards. */
import type { RunStatus } from '../../src-shared/types'

const RANK: Record<RunStatus, number> = {
  queued: 0,
  running: 1,
  finished: 2,
  failed: 2,
  cancelled: 2,
  interrupted: 2,
}

/** True once a run can no longer change. */
export function isTerminal(status: RunStatus): boolean {
  return RANK[status] === 2
}

/** True when a pushed status may replace the one shown (same rank or later). */
export function statusAdvances(current: RunStatus, next: RunStatus): boolean {
  return RANK[next] >= RANK[current]
}
