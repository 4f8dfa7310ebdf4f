import { createRng, shuffleInPlace } from '../random/seeded-rng'

export interface SplitIndices {
  train: Int32Array
  test: Int32Array
}

/**
 * Seeded, stratified split of example indices: each class keeps its share in both parts. The test
 * size is round(n · testFraction), distributed over the classes by largest remainder so the total is
 * exact. Both parts come back in a seeded random order (so "the first N" is a random subset).
 */
export function stratifiedSplit(labels: Int32Array, testFraction: number, seed: number): SplitIndices {
  const n = labels.length
  const byClass = new Map<number, number[]>()
  for (let i = 0; i < n; i++) {
    const list = byClass.get(labels[i])
    if (list) list.push(i)
    else byClass.set(labels[i], [i])
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b)
  const rng = createRng(seed)
  const total = Math.round(n * testFraction)
  // Largest-remainder apportionment (Hamilton): floor shares, then hand out what is left to the
  // classes with the largest fractional parts (ties by class index, for determinism).
  const exact = classes.map((c) => byClass.get(c)!.length * testFraction)
  const take = exact.map(Math.floor)
  let left = total - take.reduce((a, b) => a + b, 0)
  const order = classes.map((_, i) => i).sort((a, b) => exact[b] - take[b] - (exact[a] - take[a]) || a - b)
  for (const i of order) {
    if (left <= 0) break
    if (take[i] < byClass.get(classes[i])!.length) {
      take[i]++
      left--
    }
  }
  const train: number[] = []
  const test: number[] = []
  classes.forEach((c, i) => {
    const members = shuffleInPlace(byClass.get(c)!.slice(), rng)
    test.push(...members.slice(0, take[i]))
    train.push(...members.slice(take[i]))
  })
  return {
    train: shuffleInPlace(Int32Array.from(train), rng),
    test: shuffleInPlace(Int32Array.from(test), rng),
  }
}
