import { describe, expect, it } from 'vitest'
import {
  agpSchedule,
  agpSparsity,
  iterativeCounts,
  iterativeSchedule,
  oneShotSchedule,
} from '../../../../src-main/engine/prune/schedules'

describe('schedules', () => {
  it('one-shot reaches the target at step 0', () => {
    expect(oneShotSchedule(0.8)).toEqual([{ step: 0, target: 0.8 }])
  })

  it('iterative removes k per step, the remainder last', () => {
    expect(iterativeCounts(10, 4)).toEqual([4, 4, 2])
    expect(iterativeCounts(0, 4)).toEqual([])
    expect(iterativeSchedule(10, 4)).toEqual([
      { step: 0, target: 4 },
      { step: 1, target: 8 },
      { step: 2, target: 10 },
    ])
    expect(() => iterativeCounts(5, 0)).toThrow('positive integer')
  })

  it('AGP (Zhu & Gupta 2017, eq. 1) has the exact cubic values and is clamped outside', () => {
    const o = { initialSparsity: 0, finalSparsity: 0.8, startStep: 100, numSteps: 4, frequency: 50 } // nΔt = 200
    expect(agpSparsity(0, o)).toBe(0) // before t0
    expect(agpSparsity(100, o)).toBe(0)
    // t = 150: 0.8 + (0 − 0.8)(1 − 50/200)³ = 0.8 − 0.8·0.421875 = 0.4625
    expect(agpSparsity(150, o)).toBeCloseTo(0.4625, 12)
    // t = 200: 0.8 − 0.8·0.125 = 0.7; t = 250: 0.8 − 0.8·0.015625 = 0.7875
    expect(agpSparsity(200, o)).toBeCloseTo(0.7, 12)
    expect(agpSparsity(250, o)).toBeCloseTo(0.7875, 12)
    expect(agpSparsity(300, o)).toBeCloseTo(0.8, 12)
    expect(agpSparsity(10_000, o)).toBeCloseTo(0.8, 12)
    // s_i ≠ 0: t = 150 → 0.9 + (0.5 − 0.9)·0.421875 = 0.73125
    expect(agpSparsity(150, { ...o, initialSparsity: 0.5, finalSparsity: 0.9 })).toBeCloseTo(
      0.73125,
      12,
    )
    expect(agpSchedule(o).map((s) => s.step)).toEqual([100, 150, 200, 250, 300])
    expect(agpSchedule(o).map((s) => s.target)).toEqual(
      [0, 0.4625, 0.7, 0.7875, 0.8].map((v) => expect.closeTo(v, 12)),
    )
    expect(() => agpSparsity(0, { ...o, finalSparsity: 1.2 })).toThrow(
      'finalSparsity must be in [0, 1]',
    )
  })
})
