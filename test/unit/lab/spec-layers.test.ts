/** `specs.layers` (issue 18 item 14): the layers a pruning spec can name, planned before any training. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLab, type Lab } from '../../../src-main/lab/index'
import { tempDir } from '../store/helpers'

let lab: Lab
let cleanup: () => void
beforeEach(async () => {
  const t = tempDir()
  cleanup = t.cleanup
  lab = await createLab({ dataDir: t.dir, schedule: false })
})
afterEach(async () => {
  await lab.stop()
  cleanup()
})

const PRUNE = { name: 'p', dataset: { name: 'mnist-10k', trainLimit: 200 }, method: { kind: 'prune', criterion: 'l1', target: { ratio: 0.5 } } }

describe('specs.layers', () => {
  it('lists the prunable layers of the model a spec prunes (not the logits), even when a named layer is wrong', async () => {
    expect(await lab.call('specs.layers', { spec: { ...PRUNE, model: { arch: 'lenet5', filters: [6, 16], dense: [120, 84] } } })).toEqual({
      layers: [
        { name: 'conv2d_Conv2D1', units: 6 },
        { name: 'conv2d_Conv2D2', units: 16 },
        { name: 'dense_Dense1', units: 120 },
        { name: 'dense_Dense2', units: 84 },
      ],
      reason: null,
    })
    const misnamed = { ...PRUNE, model: { arch: 'mlp', hidden: [16, 8] }, method: { ...PRUNE.method, layers: ['nope'] } }
    expect((await lab.call('experiments.validate', { spec: misnamed })).valid).toBe(false)
    expect((await lab.call('specs.layers', { spec: misnamed })).layers.map((l) => `${l.name} ${l.units}`)).toEqual(['dense_Dense1 16', 'dense_Dense2 8'])
  })

  it('says why there are none', async () => {
    expect(await lab.call('specs.layers', { spec: { ...PRUNE, model: { arch: 'mlp' }, method: { kind: 'train' } } })).toEqual({ layers: [], reason: 'method train prunes no layers' })
    expect((await lab.call('specs.layers', { spec: { name: 'x' } })).reason).toMatch(/^the spec has problems/)
    const imported = { ...PRUNE, model: { arch: 'mlp' }, method: { ...PRUNE.method, parent: { source: 'import', path: 'parent/model.json' } } }
    expect((await lab.call('specs.layers', { spec: imported })).reason).toMatch(/once it is loaded/)
  })
})
