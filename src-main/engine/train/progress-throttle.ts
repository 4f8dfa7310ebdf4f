import type { RunProgress } from '../../../src-shared/types'

/** A gate that opens at most once per `intervalMs` (progress events to the UI, ~10 per second). */
export function createThrottle(intervalMs: number, now: () => number = () => performance.now()): (force?: boolean) => boolean {
  let last = -Infinity
  return (force = false) => {
    const t = now()
    if (!force && t - last < intervalMs) return false
    last = t
    return true
  }
}

/** Lets pending I/O (progress messages, cancellation) through between long synchronous steps. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * The progress reporter of a training loop of `epochs` × `steps` steps: `report(epoch, step)`
 * (0-based epoch, steps done in it) sends a RunProgress with the fraction done and an ETA from the
 * time since `started`, at most once per `intervalMs` unless forced; returns whether it sent one.
 */
export function epochProgress(o: {
  phase: string
  epochs: number
  steps: number
  intervalMs?: number
  onProgress?(p: RunProgress): void
}): (epoch: number, step: number, force?: boolean) => boolean {
  const throttle = createThrottle(o.intervalMs ?? 100)
  const totalSteps = o.epochs * o.steps
  const started = performance.now()
  return (epoch, step, force = false) => {
    if (!throttle(force)) return false
    const done = epoch * o.steps + step
    const elapsed = (performance.now() - started) / 1000
    o.onProgress?.({
      phase: o.phase,
      epoch: epoch + 1,
      epochs: o.epochs,
      step,
      steps: o.steps,
      fraction: totalSteps ? done / totalSteps : 1,
      etaSeconds: done > 0 ? (elapsed / done) * (totalSteps - done) : null,
    })
    return true
  }
}
