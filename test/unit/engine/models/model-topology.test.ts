/**
 * Reading a model.json's topology without TensorFlow (the launch check of imported models): the
 * layer classes it knows are exactly TF.js's and the lab's own, and the inputs and outputs it reads
 * from real saved models (sequential, functional, ending in softmax) are those TF.js builds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import '../../../../src-main/engine/detect/space-to-depth'
import { saveModel } from '../../../../src-main/engine/models/model-files'
import {
  KNOWN_LAYER_CLASSES,
  modelFit,
  readTopology,
  unknownLayer,
  type TopologyFacts,
} from '../../../../src-main/engine/models/model-topology'

const dir = mkdtempSync(join(tmpdir(), 'complab-topology-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(async () => {
  await selectBackend('cpu')
})

async function savedFacts(model: tf.LayersModel, name: string): Promise<TopologyFacts> {
  await saveModel(model, join(dir, name))
  const json = JSON.parse(readFileSync(join(dir, name, 'model.json'), 'utf8')) as { modelTopology: unknown }
  const facts = readTopology(json.modelTopology)
  if (typeof facts === 'string') throw new Error(facts)
  return facts
}

describe('model topology', () => {
  it("knows exactly the layer classes TF.js (and the lab's SpaceToDepth) can deserialize", () => {
    const registry = (tf.serialization.SerializationMap.getMap() as unknown as {
      classNameMap: Record<string, [{ prototype: unknown }]>
    }).classNameMap
    const layers = Object.entries(registry)
      .filter(([, [cls]]) => cls.prototype instanceof tf.layers.Layer)
      .map(([name]) => name)
      .sort()
    expect([...KNOWN_LAYER_CLASSES].sort()).toEqual(layers)
  })

  it('reads the input shape and output width of a saved sequential and functional model', async () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 7 }),
        tf.layers.dropout({ rate: 0.1 }),
        tf.layers.activation({ activation: 'softmax' }),
      ],
    })
    const facts = await savedFacts(seq, 'seq')
    expect(facts.inputs).toEqual([[8, 8, 1]])
    expect(facts.outputs).toEqual([[7]])
    expect(unknownLayer(facts)).toBeNull()
    expect(modelFit(facts, [8, 8, 1], 7)).toBeNull()
    expect(modelFit(facts, [8, 8, 1], 10)).toBe('it outputs shape [7] but the dataset has 10 classes')

    const input = tf.input({ shape: [12] })
    const hidden = tf.layers.dense({ units: 4, activation: 'relu' }).apply(input) as tf.SymbolicTensor
    const a = tf.layers.dense({ units: 3 }).apply(hidden) as tf.SymbolicTensor
    const b = tf.layers.softmax().apply(tf.layers.dense({ units: 5 }).apply(hidden)) as tf.SymbolicTensor
    const twoHeads = await savedFacts(tf.model({ inputs: input, outputs: [a, b] }), 'two')
    expect(twoHeads.inputs).toEqual([[12]])
    expect(twoHeads.outputs).toEqual([[3], [5]])
    expect(modelFit(twoHeads, [12], 3)).toBe('it has 1 inputs and 2 outputs; one of each is needed')
    const oneHead = await savedFacts(tf.model({ inputs: input, outputs: b }), 'one')
    expect(oneHead.outputs).toEqual([[5]])
    // A flat input takes the same values; a parent must take them as they are.
    expect(modelFit(oneHead, [3, 4, 1], 5)).toBeNull()
    expect(modelFit(oneHead, [3, 4, 1], 5, true)).toBe(
      "it takes inputs of shape [12]; pruning needs the dataset's examples as they are, [3, 4, 1]",
    )
    expect(modelFit(oneHead, [28, 28, 1], 5)).toBe(
      "it takes inputs of shape [12] but the dataset's examples are [28, 28, 1]",
    )
  })

  it('names the first layer TF.js does not know, and refuses a topology without layers', () => {
    const facts = readTopology({
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }, { class_name: 'Attention', config: { name: 'att' } }] },
    })
    expect(typeof facts === 'string' ? facts : unknownLayer(facts)).toBe(
      'layer 2 (att) is of class Attention, which TensorFlow.js does not know (a custom layer?)',
    )
    expect(readTopology({ class_name: 'Sequential', config: {} })).toBe('its modelTopology (Sequential) has no layers')
  })
})
