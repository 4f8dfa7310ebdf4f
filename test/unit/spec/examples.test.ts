/**
 * Every bundled example spec expands and passes the launch checks, as the app's "examples" menu
 * offers them. Examples on datasets users bring (CIFAR-10) are checked against a data folder holding
 * files of the right format (one record each), as a user's would; the imported-model examples
 * against the Keras-style model their description says how to write (trained or not, the same
 * file format and layers).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandSpec } from '../../../src-shared/spec/expand'
import { saveModel } from '../../../src-main/engine/models/model-files'
import { checkRunConfig } from '../../../src-main/engine/validate'
import { kerasResidualNet } from '../../helpers/keras-residual'

const dir = join(__dirname, '..', '..', '..', 'resources', 'examples')
const files = readdirSync(dir).filter((f) => f.endsWith('.json'))

const dataDir = mkdtempSync(join(tmpdir(), 'complab-examples-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const cifar10 = join(dataDir, 'cifar-10-batches-bin')
mkdirSync(cifar10)
for (const f of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) writeFileSync(join(cifar10, `${f}.bin`), new Uint8Array(3073))

beforeAll(async () => {
  const model = kerasResidualNet(0)
  for (const dir of ['keras-residual', 'keras-residual-trained']) await saveModel(model, join(dataDir, 'imported', dir))
  model.dispose()
})

describe('bundled examples', () => {
  it('are there', () => {
    expect(files).toEqual(expect.arrayContaining(['kd-mnist.json', 'quantize-lenet-int8.json', 'deep-compression-lenet.json', 'prune-lenet-mnist.json', 'singh-lenet-mnist.json', 'yolo-shapes-distill.json', 'yolo-shapes-prune.json']))
  })

  for (const file of files) {
    it(`${file} expands and every run passes the launch checks`, () => {
      const r = expandSpec(JSON.parse(readFileSync(join(dir, file), 'utf8')))
      if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.issues)}`)
      expect(r.runs.length).toBeGreaterThan(0)
      for (const run of r.runs) expect(checkRunConfig(run.config, dataDir), `${file} ${run.label}`).toEqual([])
    })
  }
})
