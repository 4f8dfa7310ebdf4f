import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { pruneMethodSchema } from '../../../../src-shared/spec/schema'
import { groupScores, scoreGroups } from '../../../../src-main/engine/prune/group-scores'
import { l1NormImportance } from '../../../../src-main/engine/prune/importance/l1-norm'
import { groupRoundTo } from '../../../../src-main/engine/prune/protocol'
import { selectGlobal, selectProportional } from '../../../../src-main/engine/prune/select'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { invertedResidualNet, residualNet } from './group-models'

const l2 = (v: number[]): number[] => {
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

describe('group scores (DepGraph §3.3, METHODS G1)', () => {
  it('aggregate the layer-normalised scores of every owner by sum, mean or max', () => {
    const model = invertedResidualNet(2)
    const s = analyzeStructure(model)
    const expand = s.prunable.filter((g) => g.name === 'expand')
    // expand owns channels 0..3; the depthwise layer (multiplier 2) owns 2c and 2c + 1 of each.
    const layer = new Map([
      ['expand', Float32Array.from([1, 2, 0, 2])],
      ['dw', Float32Array.from([1, 1, 0, 0, 3, 0, 0, 1])],
    ])
    const e = l2([1, 2, 0, 2])
    const d = l2([1, 1, 0, 0, 3, 0, 0, 1])
    const dw = [d[0] + d[1], d[2] + d[3], d[4] + d[5], d[6] + d[7]]
    const expect4 = (got: Float32Array | undefined, want: number[]): void => want.forEach((w, k) => expect(got?.[k]).toBeCloseTo(w, 6))
    expect4(groupScores(expand, layer).get('expand'), e.map((x, k) => x + dw[k]))
    expect4(groupScores(expand, layer, { reduction: 'mean' }).get('expand'), e.map((x, k) => (x + dw[k]) / 2))
    expect4(groupScores(expand, layer, { reduction: 'max' }).get('expand'), e.map((x, k) => Math.max(x, dw[k])))
    expect4(groupScores(expand, layer, { normalize: false }).get('expand'), [3, 2, 3, 3])
    model.dispose()
  })

  it('score a residual group from all its convolutions (L1 of stem and b1_conv2 filters)', async () => {
    const model = residualNet()
    const s = analyzeStructure(model)
    const scores = await scoreGroups(l1NormImportance(), { model, structure: s, layers: ['b1_conv2'] })
    expect([...scores.keys()]).toEqual(['stem'])
    const l1 = (name: string): number[] => Array.from(tf.tidy(() => tf.sum(tf.abs(tf.reshape(model.getLayer(name).getWeights()[0], [-1, 4])), 0)).dataSync())
    const [a, b] = [l2(l1('stem')), l2(l1('b1_conv2'))]
    Array.from(scores.get('stem') as Float32Array).forEach((v, k) => expect(v).toBeCloseTo(a[k] + b[k], 5))
    model.dispose()
  })

  it('cap each group at maxRemove, globally and in proportion to the widths', () => {
    const scores = new Map([
      ['a', Float32Array.from([0.1, 0.2, 0.3, 0.4])],
      ['b', Float32Array.from([0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.44, 0.43])],
    ])
    expect(selectGlobal(scores, { count: 4, normalize: false })).toEqual({ a: [0, 1, 2], b: [7] })
    expect(selectGlobal(scores, { count: 4, normalize: false, maxRemove: { a: 1 } })).toEqual({ a: [0], b: [5, 6, 7] })
    // In proportion: 6 units over widths 4 and 8 → 2 and 4, each group's lowest.
    expect(selectProportional(scores, { count: 6 })).toEqual({ a: [0, 1], b: [4, 5, 6, 7] })
    // A cap moves the rest to the groups with room left.
    expect(selectProportional(scores, { count: 6, maxRemove: { a: 1 } })).toEqual({ a: [0], b: [3, 4, 5, 6, 7] })
  })
})

describe('roundTo on groups', () => {
  it('keys a layer\'s multiple by its group and refuses two multiples for one group', () => {
    const model = residualNet()
    const s = analyzeStructure(model)
    expect(groupRoundTo(s, { b1_conv2: 2, b2_conv1: 4 })).toEqual({ stem: 2, b2_conv1: 4 })
    expect(() => groupRoundTo(s, { stem: 2, b1_conv2: 4 })).toThrow(
      "method.roundTo gives 'stem' 2 and 'b1_conv2' 4, but they are one group ('stem') and keep one width",
    )
    expect(pruneMethodSchema.safeParse({ kind: 'prune', target: { ratio: 0.5 }, ranking: 'layer', roundTo: 8 }).error?.issues[0].message).toBe(
      "roundTo applies to ranking 'global' (a per-layer ranking removes each group's share as it is)",
    )
    model.dispose()
  })
})
