/**
 * The net builders (issue 16 item 2): parameter counts against the published ones, the plan's
 * params/MACs equal to the built model's report, stable layer names and kinds, refusals, and a
 * ResNet teacher distilled into a MobileNetV2 student on tiny data (executeRun, wasm).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunConfig } from '../../../../src-shared/spec/expand'
import { distillMethodSchema, modelSpecSchema, trainingSpecSchema, type NetModelSpec } from '../../../../src-shared/spec/schema'
import { modelSpecName } from '../../../../src-shared/spec/model-name'
import { pruneJob, recordingSink } from '../methods/prune-fixtures'
import { selectBackend } from '../../../../src-main/engine/backend/select-backend'
import { buildModel } from '../../../../src-main/engine/models/build-model'
import { modelStats } from '../../../../src-main/engine/models/layer-report'
import { netLabel, planNet } from '../../../../src-main/engine/models/net-plan'
import { executeRun } from '../../../../src-main/engine/run'
import { checkRunConfig } from '../../../../src-main/engine/validate'

const net = (s: Record<string, unknown>): NetModelSpec => modelSpecSchema.parse(s) as NetModelSpec

describe('net plans', () => {
  it('ResNet-20 has ≈ 0.27 M and ResNet-56 ≈ 0.85 M parameters (He et al. 2016, Table 6)', () => {
    // Option A shortcuts (zero padding) give 0.27 M / 0.85 M trainable; projection shortcuts add
    // 2,944 weights, and batch norm's running statistics count as (non-trainable) parameters.
    const r20 = planNet(net({ arch: 'resnet', depth: 20 }), [32, 32, 3], 10)
    const r56 = planNet(net({ arch: 'resnet', depth: 56 }), [32, 32, 3], 10)
    expect(r20.params / 0.27e6).toBeGreaterThan(0.98)
    expect(r20.params / 0.27e6).toBeLessThan(1.03)
    expect(r56.params / 0.85e6).toBeGreaterThan(0.98)
    expect(r56.params / 0.85e6).toBeLessThan(1.03)
    // ResNet-20 at 32×32: ≈ 41 M MACs (Torch-Pruning's CIFAR table: 40.55 M with option A shortcuts).
    expect(r20.macs / 41e6).toBeGreaterThan(0.97)
    expect(r20.macs / 41e6).toBeLessThan(1.03)
    expect(r56.nodes.filter((n) => n.op.kind === 'conv2d')).toHaveLength(55 + 2)
  })

  it('MobileNetV2 ×1 with 1000 classes has the 3,538,984 parameters of Keras MobileNetV2 (BN statistics included)', () => {
    const plan = planNet(net({ arch: 'mobilenetv2' }), [32, 32, 3], 1000)
    expect(plan.params).toBe(3_538_984)
    expect(plan.nodes.filter((n) => n.op.kind === 'depthwiseConv2d')).toHaveLength(17)
    expect(plan.nodes.filter((n) => n.op.kind === 'add')).toHaveLength(10)
    // CIFAR strides: 32 → 16 → 8 → 4 before the last conv.
    expect(plan.nodes.find((n) => n.name === 'conv_last')?.outputShape).toEqual([4, 4, 1280])
    // ImageNet's stem stride: the same weights, the full-resolution blocks at half the side.
    const stem2 = planNet(net({ arch: 'mobilenetv2', stemStride: 2 }), [32, 32, 3], 1000)
    expect(stem2.params).toBe(3_538_984)
    expect(stem2.nodes.find((n) => n.name === 'block3_project')?.outputShape).toEqual([16, 16, 24])
    expect(stem2.nodes.find((n) => n.name === 'conv_last')?.outputShape).toEqual([2, 2, 1280])
    expect(stem2.macs).toBeLessThan(plan.macs / 3)
    expect(netLabel(net({ arch: 'mobilenetv2', widthMultiplier: 0.25, expansion: 3, stemStride: 2 }))).toBe('mobilenetv2 ×0.25 t=3 stem/2')
  })

  it('VGG-16 with batch norm has the 14.7 M conv weights of configuration D; VGG-11 has 8 convs', () => {
    const plan = planNet(net({ arch: 'vgg', depth: 16, head: [] }), [32, 32, 3], 10)
    const convWeights = plan.nodes.filter((n) => n.op.kind === 'conv2d').reduce((a, n) => a + n.params, 0)
    expect(convWeights).toBe(14_710_464)
    expect(planNet(net({ arch: 'vgg', depth: 11 }), [32, 32, 3], 10).nodes.filter((n) => n.op.kind === 'conv2d')).toHaveLength(8)
    // 'same' pooling: a 28×28 digit goes 14, 7, 4, 2, 1 through the five pools.
    const digits = planNet(net({ arch: 'vgg', depth: 11, widthMultiplier: 0.25 }), [28, 28, 1], 10)
    expect(digits.nodes.find((n) => n.name === 'pool5')?.outputShape).toEqual([1, 1, 128])
    expect(digits.issues).toEqual([])
  })

  it('refuses a depth that is not 2·n·stages + 2 and flat inputs, naming both', () => {
    expect(planNet(net({ arch: 'resnet', depth: 21 }), [28, 28, 1], 10).issues).toEqual([
      'resnet depth 21 with 3 stages is not 2·n·3 + 2 (e.g. 8, 20, 32, 56)',
    ])
    expect(planNet(net({ arch: 'vgg' }), [64], 3).issues[0]).toBe('vgg-16 needs image inputs [height, width, channels] but the dataset gives [64]')
    const config = {
      dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0 },
      model: net({ arch: 'resnet', depth: 10 }),
      training: trainingSpecSchema.parse({}),
      method: { kind: 'train' },
      seed: 0,
    } as RunConfig
    expect(checkRunConfig(config, tmpdir())).toEqual(['model: resnet depth 10 with 3 stages is not 2·n·3 + 2 (e.g. 8, 20, 32, 56)'])
  })

  it('names models as people read them', () => {
    expect(modelSpecName({ arch: 'resnet', depth: 56, widths: [16, 32, 64] })).toBe('resnet-56 16-32-64')
    expect(modelSpecName({ arch: 'mobilenetv2', widthMultiplier: 0.5 })).toBe('mobilenetv2 ×0.5')
    expect(modelSpecName({ arch: 'vgg', depth: 11 })).toBe('vgg-11')
  })
})

describe('built nets', () => {
  beforeAll(async () => {
    await selectBackend('cpu')
  })

  const small: Record<string, unknown>[] = [
    { arch: 'resnet', depth: 8, widths: [4, 8, 16] },
    { arch: 'vgg', depth: 11, widthMultiplier: 0.125, head: [32] },
    { arch: 'mobilenetv2', widthMultiplier: 0.25, lastChannels: 64, expansion: 2 },
    { arch: 'mobilenetv2', widthMultiplier: 0.25, lastChannels: 64, expansion: 2, stemStride: 2 },
  ]
  it.each(small)('$arch: the built model has the plan\'s layers, names, params and MACs, and outputs logits', (s) => {
    const spec = net(s)
    const plan = planNet(spec, [28, 28, 1], 10)
    const model = buildModel(spec, [28, 28, 1], 10, 3)
    const stats = modelStats(model)
    expect(stats.params).toBe(plan.params)
    expect(model.countParams()).toBe(plan.params)
    expect(stats.macs).toBe(plan.macs)
    expect(model.layers.slice(1).map((l) => l.name).sort()).toEqual(plan.nodes.map((n) => n.name).sort())
    expect(model.outputs[0].shape).toEqual([null, 10])
    expect(model.layers[model.layers.length - 1].name).toBe('logits')
    // Seeded: the same seed gives the same weights, another seed others.
    const again = buildModel(spec, [28, 28, 1], 10, 3)
    const other = buildModel(spec, [28, 28, 1], 10, 4)
    const first = (m: tf.LayersModel): number[] => Array.from(m.getWeights()[0].dataSync())
    expect(first(again)).toEqual(first(model))
    expect(first(other)).not.toEqual(first(model))
    for (const m of [model, again, other]) m.dispose()
  })

  it('ResNet blocks add their shortcut; stage changes project it by a strided 1×1 conv', () => {
    const model = buildModel(net({ arch: 'resnet', depth: 8, widths: [4, 8, 16] }), [28, 28, 1], 10, 0)
    const kinds = (prefix: string): string[] => model.layers.filter((l) => l.name.startsWith(prefix)).map((l) => l.getClassName())
    expect(kinds('stage1_block1')).toEqual(['Conv2D', 'BatchNormalization', 'ReLU', 'Conv2D', 'BatchNormalization', 'Add', 'ReLU'])
    expect(kinds('stage2_block1_shortcut')).toEqual(['Conv2D', 'BatchNormalization'])
    expect(model.getLayer('stage3_block1_shortcut_conv').outputShape).toEqual([null, 7, 7, 16])
    model.dispose()
  })
})

describe('nets as teacher and student', () => {
  const root = mkdtempSync(join(tmpdir(), 'complab-nets-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const config = (model: Record<string, unknown>, method: RunConfig['method']): RunConfig => ({
    dataset: { name: 'mnist-10k', testFraction: 0.02, splitSeed: 0, trainLimit: 96 },
    model: modelSpecSchema.parse(model),
    training: trainingSpecSchema.parse({ epochs: 1, batchSize: 32, optimizer: 'momentum', learningRate: 0.05 }),
    method,
    seed: 1,
  })

  it('a VGG-11 teacher teaches a ResNet-8 student, which teaches a MobileNetV2 student (Hinton loss, wasm)', async () => {
    const teacher = recordingSink()
    await executeRun(pruneJob(root, 1, config({ arch: 'vgg', depth: 11, widthMultiplier: 0.0625, head: [16] }, { kind: 'train' })), teacher.sink)
    expect(Number.isFinite(teacher.got.results[0]['test.accuracy'])).toBe(true)
    const { baseline: _b, teacher: _t, ...rest } = distillMethodSchema.parse({ kind: 'distill', teacher: { source: 'run', runId: 1 } })
    const distill = { ...rest, teacher: [{ runId: 1 }] } as RunConfig['method']
    const students = [
      { arch: 'resnet', depth: 8, widths: [4, 8, 8] },
      { arch: 'mobilenetv2', widthMultiplier: 0.25, lastChannels: 32, expansion: 2 },
    ]
    for (const [i, student] of students.entries()) {
      const job = { ...pruneJob(root, i + 2, config(student, distill)), teacherModelPaths: [join(root, `run-${i + 1}`, 'model', 'model.json')] }
      const { sink, got } = recordingSink()
      await executeRun(job, sink)
      const r = got.results[0]
      expect(r['teacher.members']).toBe(1)
      expect(Number.isFinite(r['teacher.test.accuracy'])).toBe(true)
      expect(Number.isFinite(r['test.accuracy'])).toBe(true)
      expect(got.logs).toContainEqual(expect.stringMatching(new RegExp(`^info: student ${student.arch}: [\\d,]+ parameters`)))
    }
  }, 120_000)
})
