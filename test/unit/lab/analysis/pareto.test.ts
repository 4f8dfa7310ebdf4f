/** Pareto front of accuracy against a cost: dominance, ties, directions taken from the names. */
import { describe, expect, it } from 'vitest'
import { paretoFront, paretoOf } from '../../../../src-main/lab/analysis/pareto'

describe('paretoFront', () => {
  it('keeps the points no other point beats on one axis without losing on the other', () => {
    // (cost, accuracy): cost lower is better, accuracy higher is better.
    const points = [
      { x: 1, y: 0.5 }, // front: cheapest
      { x: 2, y: 0.7 }, // front
      { x: 2, y: 0.6 }, // dominated by (2, 0.7)
      { x: 3, y: 0.7 }, // dominated by (2, 0.7): costs more, no better
      { x: 4, y: 0.9 }, // front: best accuracy
      { x: 5, y: 0.8 }, // dominated
    ]
    expect(paretoFront(points, 'lower', 'higher')).toEqual([true, true, false, false, true, false])
  })

  it('keeps equal points together and honours the directions', () => {
    expect(paretoFront([{ x: 1, y: 1 }, { x: 1, y: 1 }, { x: 2, y: 0 }], 'lower', 'higher')).toEqual([true, true, false])
    // Both lower is better: (2, 0) is now on the front too.
    expect(paretoFront([{ x: 1, y: 1 }, { x: 2, y: 0 }, { x: 3, y: 3 }], 'lower', 'lower')).toEqual([true, true, false])
    expect(paretoFront([], 'lower', 'higher')).toEqual([])
  })
})

describe('paretoOf', () => {
  it('takes the runs that have both results, sorted by x, with directions from the metric names', () => {
    const r = paretoOf(
      [
        { id: 1, label: 'a', role: 'pruned', results: { params: 300, 'test.accuracy': 0.9 } },
        { id: 2, label: 'b', role: 'pruned', results: { params: 100, 'test.accuracy': 0.8 } },
        { id: 3, label: 'c', role: 'pruned', results: { params: 200, 'test.accuracy': 0.7 } },
        { id: 4, label: 'd', role: 'parent', results: { 'test.accuracy': 0.99 } },
      ],
      'params',
      'test.accuracy',
    )
    expect(r.xBetter).toBe('lower')
    expect(r.yBetter).toBe('higher')
    expect(r.points.map((p) => [p.runId, p.front])).toEqual([
      [2, true],
      [3, false],
      [1, true],
    ])
  })
})
