import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { l1NormImportance } from '../../../../src-main/engine/prune/importance/l1-norm'
import { sensitivityAnalysis } from '../../../../src-main/engine/prune/sensitivity'
import { fixedInput, mlp } from './fixtures'

describe('sensitivity analysis', () => {
  it('prunes each layer alone at each ratio, in layer then ratio order', async () => {
    const model = mlp() // h1: 5 units, h2: 4 units
    const x = fixedInput([64, 4], 2)
    const reference = model.predict(x) as tf.Tensor
    // Metric: mean squared difference to the unpruned outputs (0 = unchanged).
    const evaluate = async (m: tf.LayersModel): Promise<number> => {
      const d = tf.tidy(() => tf.mean(tf.square(tf.sub(m.predict(x) as tf.Tensor, reference))))
      const v = (await d.data())[0]
      d.dispose()
      return v
    }
    const seen: string[] = []
    const { baseline, rows } = await sensitivityAnalysis({
      model,
      scorer: l1NormImportance(),
      evaluate,
      ratios: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
      onRow: (r) => seen.push(`${r.layer}@${r.ratio}`),
    })
    expect(baseline).toBe(0)
    expect(rows).toHaveLength(20)
    expect(rows.map((r) => r.layer)).toEqual([...Array(10).fill('h1'), ...Array(10).fill('h2')])
    expect(rows.slice(0, 10).map((r) => r.ratio)).toEqual([
      0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
    ])
    expect(seen).toEqual(rows.map((r) => `${r.layer}@${r.ratio}`))
    // floor(ratio·n), never all units: h1 (5) and h2 (4).
    expect(rows.slice(0, 10).map((r) => r.removed)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    expect(rows.slice(10).map((r) => r.removed)).toEqual([0, 0, 0, 1, 1, 2, 2, 2, 3, 3])
    // Ratio 0 (and any ratio that removes nothing) reproduces the base metric exactly.
    for (const r of rows.filter((row) => row.removed === 0)) expect(r.metric).toBe(baseline)
    expect(rows[0].params).toBe(64) // 25 + 24 + 15
    expect(rows[9].params).toBe(4 * 1 + 1 + 1 * 4 + 4 + 15) // h1 down to 1 unit
    expect(rows[9].metric).toBeGreaterThan(0)
    tf.dispose([x, reference])
    model.dispose()
  })
})
