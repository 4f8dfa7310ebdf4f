/** Teacher checks and the softmax → logits conversion for imported teachers. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { loadTeacher, teacherMismatch, withLogitsOutput } from '../../../../src-main/engine/distill/teacher-model'
import { saveModel } from '../../../../src-main/engine/models/model-files'
import { teacherLogits } from '../../../../src-main/engine/distill/hinton-objective'

const dir = mkdtempSync(join(tmpdir(), 'complab-teacher-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(async () => {
  await selectBackend('cpu')
})

function softmaxDense(): tf.Sequential {
  const m = tf.sequential()
  m.add(tf.layers.dense({ inputShape: [6], units: 5, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }))
  m.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }))
  return m
}

describe('teacher models', () => {
  it('turns a final softmax dense layer back into logits (softmax of the new output = old output)', async () => {
    const model = softmaxDense()
    const x = tf.randomUniform([3, 6], -1, 1, 'float32', 3)
    const probs = (model.predict(x) as tf.Tensor).arraySync() as number[][]
    const { model: logits, changed } = await withLogitsOutput(model)
    expect(changed).toBe(true)
    const z = logits.predict(x) as tf.Tensor
    const again = tf.softmax(z).arraySync() as number[][]
    again.flat().forEach((v, i) => expect(v).toBeCloseTo(probs.flat()[i], 6))
    expect((z.arraySync() as number[][]).flat().some((v) => v < 0 || v > 1)).toBe(true)
    logits.dispose()
  })

  it('drops a final Activation(softmax) layer, and leaves a logits model alone', async () => {
    const input = tf.input({ shape: [6] })
    const dense = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor
    const out = tf.layers.activation({ activation: 'softmax' }).apply(dense) as tf.SymbolicTensor
    const model = tf.model({ inputs: input, outputs: out })
    const { model: logits, changed } = await withLogitsOutput(model)
    expect(changed).toBe(true)
    expect(logits.outputs[0].sourceLayer.getClassName()).toBe('Dense')
    const plain = tf.model({ inputs: input, outputs: dense })
    expect((await withLogitsOutput(plain)).changed).toBe(false)
  })

  it('accepts the same input flat, and names what does not fit', () => {
    const flat = softmaxDense()
    expect(teacherMismatch(flat, [2, 3, 1], 4)).toBeNull()
    expect(teacherMismatch(flat, [2, 2, 1], 4)).toBe("it takes inputs of shape [6] but the dataset's examples are [2, 2, 1]")
    expect(teacherMismatch(flat, [6], 10)).toBe('it outputs shape [4] but the dataset has 10 classes')
    // The batch is reshaped for a teacher that takes the same values flat.
    const z = teacherLogits(flat, tf.ones([2, 2, 3, 1]))
    expect(z.shape).toEqual([2, 4])
    flat.dispose()
  })

  it('refuses a teacher whose weights hold NaN, and one TF.js cannot build, naming the file', async () => {
    const model = softmaxDense()
    await saveModel(model, join(dir, 'nan'))
    model.dispose()
    const path = join(dir, 'nan', 'model.json')
    const weights = readFileSync(join(dir, 'nan', 'weights.bin'))
    // The second layer's kernel (after 6×5 + 5 floats of the first) goes bad in three places.
    for (const i of [35, 36, 40]) weights.writeFloatLE(i === 40 ? Infinity : NaN, 4 * i)
    writeFileSync(join(dir, 'nan', 'weights.bin'), weights)
    const before = tf.memory().numTensors
    await expect(loadTeacher(path, [6], 4)).rejects.toThrow(
      new RegExp(`^teacher model ${path}: its weights hold NaN or infinite values \\(3 of 20 in dense_Dense\\d+/kernel\\)`),
    )
    expect(tf.memory().numTensors).toBe(before)
    const json = JSON.parse(readFileSync(path, 'utf8')) as { modelTopology: { config: { layers: { class_name: string }[] } } }
    json.modelTopology.config.layers[1].class_name = 'FancyDense'
    writeFileSync(path, JSON.stringify(json))
    await expect(loadTeacher(path, [6], 4)).rejects.toThrow(`teacher model ${path}: Unknown layer: FancyDense`)
  })
})
