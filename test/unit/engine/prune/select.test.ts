import { describe, expect, it } from 'vitest'
import {
  removedCount,
  roundedWidth,
  selectGlobal,
  selectPerLayer,
} from '../../../../src-main/engine/prune/select'

const scores = (): Map<string, Float32Array> =>
  new Map([
    ['a', Float32Array.from([3, 4, 0])], // L2-normalised: (0.6, 0.8, 0)
    ['b', Float32Array.from([100, 1, 50, 2])], // normalised: (0.8943, 0.0089, 0.4472, 0.0179)
  ])

describe('selectGlobal', () => {
  it('removes the k lowest units across layers after per-layer L2 normalisation', () => {
    // Sorted normalised: a0 0 (index 2), b1 0.0089, b3 0.0179, b2 0.447, a0 0.6, …
    expect(selectGlobal(scores(), { count: 3 })).toEqual({ a: [2], b: [1, 3] })
    expect(selectGlobal(scores(), { count: 4 })).toEqual({ a: [2], b: [1, 2, 3] })
  })

  it('without normalisation ranks raw scores', () => {
    // Raw: a2 0, b1 1, b3 2, a0 3 — unlike the normalised ranking, a0 goes before b2.
    expect(selectGlobal(scores(), { count: 4, normalize: false })).toEqual({ a: [0, 2], b: [1, 3] })
  })

  it('never empties a layer, and honours minUnits', () => {
    const plan = selectGlobal(scores(), { count: 7 })
    expect(plan).toEqual({ a: [0, 2], b: [1, 2, 3] })
    expect(removedCount(plan)).toBe(5)
    expect(selectGlobal(scores(), { count: 7, minUnits: 2 })).toEqual({ a: [2], b: [1, 3] })
  })

  it('roundTo keeps the widths it touches at multiples, lowest-scored units first', () => {
    // Ranking a2 < b1 < b3 < b2 < a0 < … ; count 1 takes a2, and a (3 units) with roundTo 2
    // goes to 2 units: only a2 goes.
    expect(selectGlobal(scores(), { count: 1, roundTo: 2 })).toEqual({ a: [2] })
    // count 2 takes a2 and b1; b (4 units) to 3 → rounded down to 2: b1 and b3 go.
    expect(selectGlobal(scores(), { count: 2, roundTo: 2 })).toEqual({ a: [2], b: [1, 3] })
    // per layer: b rounds to 4 — from 4 units it would have to go to 0, so b is not a candidate
    // and the count goes to a (a2, then a0; a keeps minUnits = 1)
    expect(selectGlobal(scores(), { count: 2, roundTo: { b: 4 } })).toEqual({ a: [0, 2] })
    // nothing can go: a at 3 with roundTo 3, b at 4 with roundTo 4
    expect(selectGlobal(scores(), { count: 3, roundTo: { a: 3, b: 4 } })).toEqual({})
    expect(() => selectGlobal(scores(), { count: 1, roundTo: 0 })).toThrow('positive integer')
  })

  it('roundedWidth: next multiple at or below, never under the smallest multiple ≥ minUnits', () => {
    expect(roundedWidth(16, 1, 8, 1)).toBe(8)
    expect(roundedWidth(16, 9, 8, 1)).toBe(8)
    expect(roundedWidth(6, 1, 4, 1)).toBe(4)
    expect(roundedWidth(4, 1, 4, 1)).toBe(4) // cannot go lower: unchanged
    expect(roundedWidth(12, 1, 4, 5)).toBe(8) // minUnits 5 → at least 8
    expect(roundedWidth(8, 1, 4, 5)).toBe(8)
    expect(roundedWidth(10, 3, 1, 1)).toBe(7)
    expect(roundedWidth(10, 0, 4, 1)).toBe(10)
  })

  it('takes a ratio of all units (floor)', () => {
    expect(removedCount(selectGlobal(scores(), { ratio: 0.5 }))).toBe(3)
    expect(() => selectGlobal(scores(), { ratio: 1.5 })).toThrow('ratio must be in [0, 1]')
    expect(() => selectGlobal(scores(), {})).toThrow('give count or ratio')
  })

  it('breaks ties by layer order then index', () => {
    const tied = new Map([
      ['x', Float32Array.from([1, 1])],
      ['y', Float32Array.from([1, 1])],
    ])
    expect(selectGlobal(tied, { count: 2 })).toEqual({ x: [0], y: [0] })
  })
})

describe('selectPerLayer', () => {
  it('removes floor(ratio·n) lowest of each layer', () => {
    expect(selectPerLayer(scores(), { ratio: 0.5 })).toEqual({ a: [2], b: [1, 3] })
  })

  it('accepts a ratio per layer and leaves others alone', () => {
    expect(selectPerLayer(scores(), { ratio: { b: 0.75 } })).toEqual({ b: [1, 2, 3] })
  })

  it('keeps at least minUnits', () => {
    expect(selectPerLayer(scores(), { ratio: 1 })).toEqual({ a: [0, 2], b: [1, 2, 3] })
    expect(selectPerLayer(scores(), { ratio: 1, minUnits: 3 })).toEqual({ b: [1] })
  })
})
