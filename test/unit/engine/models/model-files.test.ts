/** Save → load round trip in the TF.js layers format through the node-fs IOHandler. */
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { modelSpecSchema } from '../../../../src-shared/spec/schema'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { loadModel, saveModel } from '../../../../src-main/engine/models/model-files'

const dir = mkdtempSync(join(tmpdir(), 'complab-model-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('saveModel / loadModel', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  it('gives identical logits after a round trip, with files, bytes and sha256 as reported', async () => {
    const model = buildModel(modelSpecSchema.parse({ arch: 'lenet5', dropout: 0.25 }), [28, 28, 1], 10, 3)
    const files = await saveModel(model, join(dir, 'run-1', 'model'))
    expect(files.map((f) => f.path.split('/').pop())).toEqual(['model.json', 'weights.bin'])
    for (const f of files) {
      const bytes = readFileSync(f.path)
      expect(f.bytes).toBe(bytes.length)
      expect(statSync(f.path).size).toBe(f.bytes)
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
    }
    expect(files[1].bytes).toBe(61_706 * 4)
    expect(readdirSync(join(dir, 'run-1', 'model')).sort()).toEqual(['model.json', 'weights.bin'])

    const loaded = await loadModel(files[0].path)
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 7)
    const a = (model.predict(x) as tf.Tensor).dataSync()
    const b = (loaded.predict(x) as tf.Tensor).dataSync()
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true)
    x.dispose()
    model.dispose()
    loaded.dispose()
  })

  it('overwrites an earlier model in place (temp name, then rename)', async () => {
    const m1 = buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [4] }), [3], 2, 1)
    const m2 = buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [4] }), [3], 2, 2)
    const target = join(dir, 'again')
    const first = await saveModel(m1, target)
    const second = await saveModel(m2, target)
    expect(second[1].sha256).not.toBe(first[1].sha256)
    expect(readdirSync(target).sort()).toEqual(['model.json', 'weights.bin'])
    m1.dispose()
    m2.dispose()
  })

  it('fails clearly on a missing model.json or weight file', async () => {
    await expect(loadModel(join(dir, 'none', 'model.json'))).rejects.toThrow(/model\.json: file not found$/)
    const m = buildModel(modelSpecSchema.parse({ arch: 'mlp', hidden: [4] }), [3], 2, 1)
    const files = await saveModel(m, join(dir, 'broken'))
    rmSync(files[1].path)
    await expect(loadModel(files[0].path)).rejects.toThrow('weight file ./weights.bin is missing or unreadable')
    writeFileSync(files[0].path, '{not json')
    await expect(loadModel(files[0].path)).rejects.toThrow(/not valid JSON/)
    m.dispose()
  })
})
