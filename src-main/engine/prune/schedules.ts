/**
 * When to prune and how much: small pure functions. One-shot (everything at once), iterative (k
 * units per step, METHODS P1 / Molchanov 2017's greedy loop) and AGP — Zhu & Gupta 2017, "To prune,
 * or not to prune", eq. (1): s_t = s_f + (s_i − s_f)·(1 − (t − t0)/(nΔt))³ for t in [t0, t0 + nΔt].
 */

/** One pruning event: at `step`, reach `target` (a sparsity in [0, 1] or a unit count). */
export interface ScheduleStep {
  step: number
  target: number
}

/** One-shot: the whole target at step 0. */
export function oneShotSchedule(target: number): ScheduleStep[] {
  return [{ step: 0, target }]
}

/**
 * Iterative: remove `perStep` units per step until `total` are removed; returns the units to remove
 * at each step (the last step takes the remainder), e.g. (10, 4) → [4, 4, 2].
 */
export function iterativeCounts(total: number, perStep: number): number[] {
  if (!Number.isInteger(total) || total < 0)
    throw new Error(`total must be a non-negative integer, got ${total}`)
  if (!Number.isInteger(perStep) || perStep < 1)
    throw new Error(`units per step must be a positive integer, got ${perStep}`)
  const counts: number[] = []
  for (let left = total; left > 0; left -= perStep) counts.push(Math.min(perStep, left))
  return counts
}

/** Iterative schedule as cumulative targets: step i has removed the first i+1 counts. */
export function iterativeSchedule(total: number, perStep: number): ScheduleStep[] {
  let sum = 0
  return iterativeCounts(total, perStep).map((k, step) => ({ step, target: (sum += k) }))
}

/** Parameters of the AGP schedule (Zhu & Gupta 2017, §3). */
export interface AgpOptions {
  /** s_i, sparsity at t0 (usually 0). */
  initialSparsity: number
  /** s_f, the final sparsity. */
  finalSparsity: number
  /** t0, the step pruning starts. */
  startStep: number
  /** n, the number of pruning steps. */
  numSteps: number
  /** Δt, training steps between two pruning steps. */
  frequency: number
}

function checkAgp(o: AgpOptions): void {
  for (const [k, v] of [
    ['initialSparsity', o.initialSparsity],
    ['finalSparsity', o.finalSparsity],
  ] as const) {
    if (!(v >= 0 && v <= 1)) throw new Error(`${k} must be in [0, 1], got ${v}`)
  }
  if (!(o.numSteps > 0) || !(o.frequency > 0))
    throw new Error('numSteps and frequency must be positive')
}

/** Zhu & Gupta 2017, eq. (1): sparsity at training step t, clamped to s_i before t0 and s_f after t0 + nΔt. */
export function agpSparsity(t: number, o: AgpOptions): number {
  checkAgp(o)
  const span = o.numSteps * o.frequency
  const progress = Math.min(1, Math.max(0, (t - o.startStep) / span))
  return o.finalSparsity + (o.initialSparsity - o.finalSparsity) * (1 - progress) ** 3
}

/** The AGP pruning events t = t0 + iΔt, i = 0…n, with their sparsities. */
export function agpSchedule(o: AgpOptions): ScheduleStep[] {
  checkAgp(o)
  return Array.from({ length: o.numSteps + 1 }, (_, i) => {
    const step = o.startStep + i * o.frequency
    return { step, target: agpSparsity(step, o) }
  })
}
