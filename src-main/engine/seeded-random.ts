/** A small seeded PRNG (mulberry32) with normal draws, for reproducible data work outside tf. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number
  /** Normal N(mean, sd²) by Box–Muller. */
  normal(mean?: number, sd?: number): number
  /** Integer in [0, n). */
  int(n: number): number
}

export function seededRandom(seed: number): SeededRandom {
  let a = (seed >>> 0) ^ 0x9e3779b9
  let spare: number | null = null
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n: number): number => Math.floor(next() * n),
    normal(mean = 0, sd = 1): number {
      if (spare !== null) {
        const v = spare
        spare = null
        return mean + sd * v
      }
      let u = 0
      while (u === 0) u = next()
      const v = next()
      const r = Math.sqrt(-2 * Math.log(u))
      spare = r * Math.sin(2 * Math.PI * v)
      return mean + sd * r * Math.cos(2 * Math.PI * v)
    },
  }
}
