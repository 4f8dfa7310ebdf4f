/**
 * Pruning runs checked at launch against the planned parent (issue 13 item 3): bad layers, roundTo
 * names, ratio/unit targets and missing BatchNormalization are refused before anything is trained,
 * a temperature on a detector is refused naming it, and the planned prunable layers are those the
 * engine finds in the built model.
 */
import { describe, expect, it } from 'vitest'
import type { RunConfig, RunMethod } from '../../../src-shared/spec/expand'
import { detectionModelSpecSchema, methodSpecSchema, modelSpecSchema, trainingSpecSchema } from '../../../src-shared/spec/schema'
import { detectionDatasetSpecSchema } from '../../../src-shared/spec/schema'
import { prunableUnits } from '../../../src-main/engine/models/prunable-plan'
import { analyzeStructure } from '../../../src-main/engine/prune/structure'
import { buildDetector } from '../../../src-main/engine/tasks/detection-setup'
import { checkRunConfig } from '../../../src-main/engine/validate'

const lenet = modelSpecSchema.parse({ arch: 'lenet5', filters: [4, 8], dense: [32, 16] })
const method = (spec: Record<string, unknown>, parent: object = { runKey: 'parent-0' }): RunMethod =>
  ({ ...methodSpecSchema.parse(spec), parent }) as RunMethod
const config = (m: RunMethod, model = lenet): RunConfig => ({
  dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0 },
  model,
  training: trainingSpecSchema.parse({}),
  method: m,
  seed: 0,
})
const issues = (spec: Record<string, unknown>, model = lenet): string[] => checkRunConfig(config(method(spec), model), '/nonexistent')

describe('pruning targets at launch', () => {
  it('plans the classifier layers the worker will name', () => {
    expect(prunableUnits(lenet, [28, 28, 1], 10)).toEqual([
      { name: 'conv2d_Conv2D1', units: 4, batchNorm: false },
      { name: 'conv2d_Conv2D2', units: 8, batchNorm: false },
      { name: 'dense_Dense1', units: 32, batchNorm: false },
      { name: 'dense_Dense2', units: 16, batchNorm: false },
    ])
  })

  it('plans the prunable convolutions of both detectors as the structure analysis finds them', () => {
    for (const spec of [
      detectionModelSpecSchema.parse({ arch: 'tinyYolo', filters: [4, 8], gridFilters: [8, 6] }),
      detectionModelSpecSchema.parse({ arch: 'denseStackedStudent', filters: [4, 8], gridBlocks: [[6, 8]], bottleneck: 2, fuseFilters: 8 }),
    ]) {
      const model = buildDetector(spec, [16, 16, 3], { gridSize: 4, anchors: [[0.3, 0.3]], numClasses: 2 }, 0)
      const found = analyzeStructure(model).prunable.map((p) => ({ name: p.name, units: p.units, batchNorm: p.owners[0].batchNorm !== null }))
      model.dispose()
      const planned = prunableUnits(spec, [16, 16, 3], null) ?? []
      expect([...planned].sort((a, b) => a.name.localeCompare(b.name))).toEqual([...found].sort((a, b) => a.name.localeCompare(b.name)))
    }
  })

  it('accepts sound targets and refuses the impossible ones in one line each', () => {
    expect(issues({ kind: 'prune', target: { ratio: 0.5 }, layers: ['conv2d_Conv2D1', 'conv2d_Conv2D2'], roundTo: { conv2d_Conv2D2: 2 } })).toEqual([])
    expect(issues({ kind: 'prune', target: { ratio: 0.99 } })).toEqual(['method.target.ratio 0.99 would remove 59 of 60 units: each of the 4 pruned layers keeps at least minUnits = 1, so at most 56 can go'])
    // maxRatioPerLayer 0.5: each layer loses at most half of its units, 30 of 60 in all.
    expect(issues({ kind: 'prune', target: { ratio: 0.5 }, maxRatioPerLayer: 0.5 })).toEqual([])
    expect(issues({ kind: 'prune', target: { ratio: 0.6 }, maxRatioPerLayer: 0.5 })).toEqual([
      'method.target.ratio 0.6 would remove 36 of 60 units: each of the 4 pruned layers keeps at least minUnits = 1 and loses at most maxRatioPerLayer = 0.5 of its units, so at most 30 can go',
    ])
    expect(issues({ kind: 'prune', target: { units: 4 }, layers: ['conv2d_Conv2D1'] })[0]).toMatch(/^method\.target\.units 4 would remove every unit of a layer/)
    expect(issues({ kind: 'prune', target: { ratio: 0.5 }, layers: ['conv2d_Conv2D1', 'nope'] })[0]).toMatch(/^method\.layers: unknown layer 'nope' .*prunable layers: 'conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1', 'dense_Dense2'$/)
    expect(issues({ kind: 'prune', target: { ratio: 0.5 }, layers: ['logits'] })[0]).toMatch(/^method\.layers: unknown layer 'logits'/)
    expect(issues({ kind: 'prune', target: { macs: 0.5 }, roundTo: { conv: 4 } })).toEqual([
      "method.roundTo names 'conv', not among the pruned layers: 'conv2d_Conv2D1', 'conv2d_Conv2D2', 'dense_Dense1', 'dense_Dense2'",
    ])
    expect(issues({ kind: 'prune', criterion: 'bn-scale', target: { ratio: 0.5 } })[0]).toMatch(/^method\.criterion bn-scale needs a BatchNormalization/)
    expect(issues({ kind: 'singh', phases: [['dense_Dense2'], ['dense_Dense2']] })).toEqual(["method.phases: layer 'dense_Dense2' is in more than one phase"])
    expect(issues({ kind: 'slimming' })).toEqual(['method slimming needs BatchNormalization after the layers it prunes, and the model has none'])
  })

  it('checks a parent from an earlier training run against that run\'s model, and leaves others to the worker', () => {
    const m = method({ kind: 'prune', target: { ratio: 0.5 }, layers: ['dense_Dense3'] }, { runId: 3 })
    expect(checkRunConfig(config(m), '/nonexistent')).toEqual([])
    const wider = modelSpecSchema.parse({ arch: 'mlp', hidden: [32, 16, 8] })
    expect(checkRunConfig(config(m), '/nonexistent', { parentModel: wider })).toEqual([])
    expect(checkRunConfig(config(m), '/nonexistent', { parentModel: lenet })[0]).toMatch(/^method\.layers: unknown layer 'dense_Dense3'/)
  })

  it('refuses a temperature on a detector, naming it', () => {
    const detector: RunConfig = {
      dataset: detectionDatasetSpecSchema.parse({ name: 'shapes', imageSize: 16 }),
      model: detectionModelSpecSchema.parse({ arch: 'tinyYolo', filters: [4, 8] }),
      training: trainingSpecSchema.parse({}),
      method: method({ kind: 'prune', target: { ratio: 0.3 }, recover: 'distill', temperature: 2 }),
      seed: 0,
    }
    expect(checkRunConfig(detector, '/nonexistent')).toEqual([
      'method.temperature does not apply to detectors: a pruned detector distils from its parent with the Mehta–Ozturk loss, which has no temperature',
    ])
    expect(checkRunConfig({ ...detector, method: method({ kind: 'prune', target: { ratio: 0.3 }, recover: 'distill' }) }, '/nonexistent')).toEqual([])
  })

  it('refuses temperature and alpha without recover: distill, and a distillation that never trains, in the schema', () => {
    const r = methodSpecSchema.safeParse({ kind: 'prune', target: { ratio: 0.5 }, temperature: 4 })
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]).toMatchObject({ path: ['temperature'], message: expect.stringMatching(/^temperature applies only with recover: distill/) })
    expect(methodSpecSchema.parse({ kind: 'prune', target: { ratio: 0.5 } })).not.toHaveProperty('temperature')
    const idle = methodSpecSchema.safeParse({ kind: 'prune', target: { ratio: 0.5 }, recover: 'distill', fineTuneSteps: 0, finalEpochs: 0 })
    expect(idle.error?.issues[0]).toMatchObject({ path: ['recover'], message: expect.stringMatching(/nothing to distil/) })
  })
})
