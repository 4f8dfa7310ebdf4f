/**
 * Hinton 2015 §3 bias correction on a crafted case: 3 classes; the student under-scores class 2 by
 * 3 logits (it never saw a 2 in its transfer set). Validation logits:
 *   class-2 examples: [0, 0.5, −1.5]  → argmax 1 (wrong); with bias b on class 2: right iff b > 2
 *   class-1 examples: [0, 2, −1]      → right iff b < 3
 *   class-0 examples: [2, 0, −0.5]    → right iff b < 2.5
 * So every b in (2, 2.5) is right on all; on the grid (step 0.25) that is b = 2.25 only.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import {
  accuracyWithBias,
  addOutputBias,
  chooseClassBiases,
  predictLogits,
} from '../../../../src-main/engine/distill/bias-correction'

beforeAll(async () => {
  await selectBackend('cpu')
})

const rows: [number[], number][] = [
  [[0, 0.5, -1.5], 2],
  [[0, 0.5, -1.5], 2],
  [[0, 2, -1], 1],
  [[2, 0, -0.5], 0],
]
const logits = Float32Array.from(rows.flatMap(([z]) => z))
const labels = Int32Array.from(rows.map(([, y]) => y))

describe('bias correction (Hinton 2015 §3)', () => {
  it('accuracy with a bias, overall and on chosen classes', () => {
    expect(accuracyWithBias(logits, labels, 3, [0, 0, 0])).toBe(0.5)
    expect(accuracyWithBias(logits, labels, 3, [0, 0, 0], [2])).toBe(0)
    expect(accuracyWithBias(logits, labels, 3, [0, 0, 2.25], [2])).toBe(1)
    expect(accuracyWithBias(logits, labels, 3, [0, 0, 2.75])).toBe(0.75)
  })

  it('chooses the bias that makes the omitted class right without breaking the others', () => {
    const choice = chooseClassBiases(logits, labels, 3, [2])
    expect(choice.bias).toEqual([0, 0, 2.25])
    expect(choice.before).toBe(0.5)
    expect(choice.after).toBe(1)
  })

  it('leaves the bias at 0 when no value helps (ties go to the smallest |b|)', () => {
    const none = chooseClassBiases(logits, labels, 3, [0])
    expect(none.bias).toEqual([0, 0, 0])
    expect(none.after).toBe(0.5)
  })

  it('adds the bias to the output layer so the saved model carries it', async () => {
    const m = tf.sequential()
    m.add(tf.layers.dense({ inputShape: [2], units: 3, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }))
    const x = Float32Array.from([1, 2, -1, 0.5])
    const before = await predictLogits(m, x, [2])
    addOutputBias(m, [0, 0, 2.25])
    const after = await predictLogits(m, x, [2])
    expect(after.length).toBe(6)
    Array.from(after).forEach((v, i) => expect(v).toBeCloseTo(before[i] + (i % 3 === 2 ? 2.25 : 0), 5))
    m.dispose()
  })
})
