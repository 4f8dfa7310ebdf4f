import { describe, expect, it } from 'vitest'
import { stratifiedSplit } from '../../../../src-main/engine/data/stratified-split'

describe('stratifiedSplit', () => {
  it('puts exactly round(n · f) examples in test, largest remainder per class', () => {
    // Classes of 7, 5 and 3 examples, f = 0.3: exact shares 2.1, 1.5, 0.9 → floors 2, 1, 0 (3);
    // round(15 · 0.3) = 5 (4.5 rounds up), so the two largest remainders (0.9, 0.5) get one more.
    const labels = Int32Array.from([...Array(7).fill(0), ...Array(5).fill(1), ...Array(3).fill(2)])
    const { train, test } = stratifiedSplit(labels, 0.3, 9)
    expect(test.length).toBe(5)
    expect(train.length).toBe(10)
    const per = [0, 0, 0]
    for (const i of test) per[labels[i]]++
    expect(per).toEqual([2, 2, 1])
    expect(new Set([...train, ...test]).size).toBe(15)
  })

  it('depends only on the seed', () => {
    const labels = Int32Array.from({ length: 100 }, (_, i) => i % 4)
    expect(stratifiedSplit(labels, 0.2, 1)).toEqual(stratifiedSplit(labels, 0.2, 1))
    expect(stratifiedSplit(labels, 0.2, 1).test).not.toEqual(stratifiedSplit(labels, 0.2, 2).test)
  })
})
