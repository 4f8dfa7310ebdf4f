import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { munge, nearestNeighbours, pcaProject } from '../../../../src-main/engine/distill/transfer/munge'
import { createRng } from '../../../../src-main/engine/random/seeded-rng'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

function randomRows(n: number, d: number, seed: number): Float32Array {
  const r = createRng(seed)
  return Float32Array.from({ length: n * d }, () => r.next())
}

function bruteForceNN(x: Float32Array, n: number, d: number): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    let best = -1
    let bestD = Infinity
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      let s = 0
      for (let a = 0; a < d; a++) s += (x[i * d + a] - x[j * d + a]) ** 2
      if (s < bestD) {
        bestD = s
        best = j
      }
    }
    out.push(best)
  }
  return out
}

describe('MUNGE (Buciluǎ 2006)', () => {
  it('finds the true nearest neighbours', async () => {
    const n = 300
    const d = 7
    const x = randomRows(n, d, 1)
    expect(Array.from(await nearestNeighbours(x, n, d, 64))).toEqual(bruteForceNN(x, n, d))
  })

  it('swaps about p of the attributes and returns multiplier × n rows', async () => {
    const n = 200
    const d = 10
    const x = randomRows(n, d, 2)
    const { x: out, stats } = await munge(x, n, d, { p: 0.3, s: 2, multiplier: 3, seed: 5 })
    expect(out.length).toBe(3 * n * d)
    // 6,000 Bernoulli(0.3) draws: sd ≈ 0.006.
    expect(Math.abs(stats.swapRate - 0.3)).toBeLessThan(0.025)
  })

  it('with p = 0 reproduces the data; with p = 1 each value lands near its neighbour', async () => {
    const n = 50
    const d = 4
    const x = randomRows(n, d, 3)
    const same = (await munge(x, n, d, { p: 0, s: 2, multiplier: 1, seed: 1 })).x
    Array.from(same).forEach((v, i) => expect(v).toBeCloseTo(x[i], 5))
    // With sd → 0 (s huge) every perturbation is an exact swap of e_a and e′_a, so each
    // attribute keeps the same multiset of values, while the rows do change.
    const swapped = (await munge(x, n, d, { p: 1, s: 1e12, multiplier: 1, seed: 1 })).x
    let changed = 0
    for (let a = 0; a < d; a++) {
      const col = (arr: Float32Array): number[] => Array.from({ length: n }, (_, i) => arr[i * d + a]).sort((u, v) => u - v)
      const before = col(x)
      const after = col(swapped)
      after.forEach((v, i) => expect(v).toBeCloseTo(before[i], 4))
      for (let i = 0; i < n; i++) if (Math.abs(swapped[i * d + a] - x[i * d + a]) > 1e-6) changed++
    }
    expect(changed).toBeGreaterThan(n)
  })

  it('is reproducible for a seed', async () => {
    const x = randomRows(40, 5, 4)
    const a = (await munge(x, 40, 5, { p: 0.5, s: 2, multiplier: 2, seed: 9 })).x
    const b = (await munge(x, 40, 5, { p: 0.5, s: 2, multiplier: 2, seed: 9 })).x
    expect(Array.from(a)).toEqual(Array.from(b))
  })

  it('PCA keeps the dominant direction', async () => {
    // Points on a line along (1, 1, 0) plus small noise: the first component's scores
    // reproduce the position on the line (up to sign).
    const r = createRng(6)
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next())
    const n = 200
    const t: number[] = []
    const x = new Float32Array(n * 3)
    for (let i = 0; i < n; i++) {
      const v = gauss()
      t.push(v)
      x[i * 3] = v + 0.01 * gauss()
      x[i * 3 + 1] = v + 0.01 * gauss()
      x[i * 3 + 2] = 0.01 * gauss()
    }
    const p = await pcaProject(x, n, 3, 1)
    const mean = t.reduce((a, b) => a + b, 0) / n
    let num = 0
    let da = 0
    let db = 0
    for (let i = 0; i < n; i++) {
      num += (t[i] - mean) * p[i]
      da += (t[i] - mean) ** 2
      db += p[i] ** 2
    }
    expect(Math.abs(num / Math.sqrt(da * db))).toBeGreaterThan(0.999)
  })

  it('refuses bad parameters', async () => {
    const x = randomRows(4, 2, 1)
    await expect(munge(x, 4, 2, { p: 1.5, s: 2, multiplier: 1, seed: 1 })).rejects.toThrow(/p must be/)
    await expect(munge(x, 4, 2, { p: 0.5, s: 0, multiplier: 1, seed: 1 })).rejects.toThrow(/s must be/)
    await expect(munge(x, 1, 2, { p: 0.5, s: 2, multiplier: 1, seed: 1 })).rejects.toThrow(/at least 2/)
  })
})
