/**
 * The dependency groups of ResNet, VGG and MobileNetV2 planned at launch (without TF.js) are the
 * groups the worker finds in the built model; a ResNet's residual groups tie every convolution a
 * stage's Adds sum, a MobileNetV2 block's expansion group holds its depthwise convolution.
 */
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelSpecSchema, type NetModelSpec } from '../../../../src-shared/spec/schema'
import { buildNet } from '../../../../src-main/engine/models/build-nets'
import { netGroups } from '../../../../src-main/engine/models/net-groups'
import { analyzeStructure } from '../../../../src-main/engine/prune/structure'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const SPECS = [
  { arch: 'resnet', depth: 8, widths: [4, 8, 16] },
  { arch: 'vgg', depth: 11, widthMultiplier: 0.0625, head: [16] },
  { arch: 'mobilenetv2', widthMultiplier: 0.25, expansion: 2, lastChannels: 32 },
].map((s) => modelSpecSchema.parse(s) as NetModelSpec)

describe('groups of the standard nets', () => {
  it.each(SPECS.map((s) => [s.arch, s] as const))('%s: planned at launch as the built model has them', (_arch, spec) => {
    const planned = netGroups(spec, [28, 28, 1], 10)
    const model = buildNet(spec, [28, 28, 1], 10, 0)
    const s = analyzeStructure(model)
    expect(planned).toEqual(s.prunable.map((g) => ({ name: g.name, units: g.units, batchNorm: g.owners.every((o) => o.batchNorm !== null) })))
    if (spec.arch === 'resnet') {
      // One residual group per stage: the stem (or projection) and every block's second conv.
      const residual = s.prunable.filter((g) => g.members.some((m) => m.className === 'Add'))
      expect(residual.map((g) => g.units)).toEqual([4, 8, 16])
      expect(residual.every((g) => g.producers.length >= 2)).toBe(true)
    }
    if (spec.arch === 'mobilenetv2') {
      expect(s.prunable.some((g) => g.owners.some((o) => o.className === 'DepthwiseConv2D'))).toBe(true)
    }
    model.dispose()
  })
})
