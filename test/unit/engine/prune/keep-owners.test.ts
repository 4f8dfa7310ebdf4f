/**
 * A group coupled through a Concatenate and an Add has producers that each make only part of its
 * channels; a plan that keeps some of the group may still take all of one producer's. Surgery
 * would build a convolution with no filters (the imported Keras-style residual net failed so at
 * launch: "expected config.filters to be a 'number' > 0 but got 0"). keepEveryOwner keeps back
 * that producer's best unit; the launch-time reachability probe of a MACs target uses it too.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { keepEveryOwner } from '../../../../src-main/engine/prune/keep-owners'
import { pruneSchedule } from '../../../../src-main/engine/prune/protocol'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'
import { removeUnits } from '../../../../src-main/engine/prune/surgery'

beforeAll(async () => {
  await selectBackend('cpu')
})

type T = tf.SymbolicTensor
/** add(concat(a: conv 2, b: conv 3), c: conv 5) → conv 4 → GAP → dense 2: one group of 5 units made by a, b and c. */
function net(): tf.LayersModel {
  const init = (seed: number): { kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform> } => ({ kernelInitializer: tf.initializers.glorotUniform({ seed }) })
  const input = tf.input({ shape: [6, 6, 1] })
  const conv = (name: string, filters: number, x: T, seed: number): T => tf.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', ...init(seed) }).apply(x) as T
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([conv('a', 2, input, 1), conv('b', 3, input, 2)]) as T
  const sum = tf.layers.add({ name: 'sum' }).apply([cat, conv('c', 5, input, 3)]) as T
  const head = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(conv('d', 4, sum, 4)) as T
  return tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'logits', units: 2, ...init(5) }).apply(head) as T })
}

describe('keepEveryOwner', () => {
  it("keeps back the best unit of a producer whose every channel the plan takes, and surgery then succeeds", async () => {
    const model = net()
    const structure = analyzeStructure(model)
    const group = structure.prunable.find((g) => g.producers.includes('a'))
    expect(group?.units).toBe(5)
    expect([...(group?.producers ?? [])].sort()).toEqual(['a', 'b', 'c'])
    const name = group?.name as string
    const units = (layer: string): number[] => (group?.owners.find((o) => o.name === layer)?.positions ?? []).flatMap((p, k) => (p.length > 0 ? [k] : []))
    const ofA = units('a')
    expect(ofA).toHaveLength(2)
    await expect(removeUnits(model, { [name]: ofA }, structure)).rejects.toThrow(/filters/)

    const scores = new Map([[name, Float32Array.from([0, 1, 2, 3, 4].map((k) => (k === ofA[1] ? 9 : k)))]])
    const plan = keepEveryOwner({ [name]: [...ofA, units('b')[0]] }, structure, scores)
    expect(plan[name]).toEqual([ofA[0], units('b')[0]])
    const pruned = await removeUnits(model, plan, structure)
    expect(pruned.getLayer('a').getWeights()[0].shape).toEqual([3, 3, 1, 1])
    expect(pruned.getLayer('b').getWeights()[0].shape).toEqual([3, 3, 1, 2])
    expect(pruned.getLayer('c').getWeights()[0].shape).toEqual([3, 3, 1, 3])
    // A plan that empties no producer is left as it is.
    expect(keepEveryOwner({ [name]: [ofA[0]] }, structure, scores)).toEqual({ [name]: [ofA[0]] })
    pruned.dispose()
    model.dispose()
  })

  it('lets a MACs target be checked at launch on such a group (the probe keeps one channel of each producer)', async () => {
    const model = net()
    const structure = analyzeStructure(model)
    const steps = await pruneSchedule(model, structure, structure.prunable, { target: { macs: 0.6 }, unitsPerStep: 1, minUnits: 1 })
    expect(steps.length).toBeGreaterThan(0)
    model.dispose()
  })
})
