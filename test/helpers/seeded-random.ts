/** A small seeded generator (mulberry32) so that a fuzz failure reproduces from its seed. */
export interface Random {
  readonly seed: number
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number
  pick<T>(items: readonly T[]): T
  chance(p: number): boolean
}

/** The generator for `seed`; the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    seed,
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  }
}

/** The seed a test uses: `COMPLAB_FUZZ_SEED` when set (to replay a failure), else `fallback`. */
export function testSeed(fallback: number): number {
  const env = process.env.COMPLAB_FUZZ_SEED
  return env !== undefined && /^\d+$/.test(env) ? Number(env) : fallback
}
