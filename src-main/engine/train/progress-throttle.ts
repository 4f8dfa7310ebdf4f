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
