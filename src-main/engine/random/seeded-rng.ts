/**
 * A small seeded PRNG (mulberry32) so splits, shuffles and augmentation are reproducible from a
 * seed. Not cryptographic; 32 bits of state are plenty for shuffling at most a few 100k indices.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number
}

/** Creates a mulberry32 generator from an integer seed (any number; it is hashed to 32 bits). */
export function createRng(seed: number): Rng {
  // Mix the seed once (splitmix32-style) so consecutive seeds give unrelated streams.
  let state = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0
  state = (state ^ (state >>> 13)) >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)) }
}

/** Fisher–Yates shuffle in place with the given generator; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1))
    const t = a[i]
    a[i] = a[j]
    a[j] = t
  }
  return a
}

/** Derives an independent seed for a named purpose (e.g. `shuffle`, `jitter`) from a run seed. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = 0x811c9dc5 ^ (seed | 0)
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193)
  return h >>> 0
}
