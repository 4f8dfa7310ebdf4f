/**
 * Imported models (issue 16 item 3): a Keras-style functional model with a residual Add, a
 * depthwise convolution and a Concatenate, saved as a TF.js layers model.json, is pruned through
 * the dependency groups by every pruning method, trained further (`train` from it), and the pruned
 * model loads back in plain TF.js with the lab's outputs and the shapes its report gives. Tiny model
 * and data (120 digits), so the file runs in seconds.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PruneGroupReport } from '../../../../src-shared/contract/groups'
import type { RunConfig, RunMethod } from '../../../../src-shared/spec/expand'
import { methodSpecSchema, modelSpecSchema, trainingSpecSchema } from '../../../../src-shared/spec/schema'
import { loadModel, saveModel } from '../../../../src-main/engine/models/model-files'
import { executeRun } from '../../../../src-main/engine/run'
import { checkRunConfig } from '../../../../src-main/engine/validate'
import { pruneJob, recordingSink, type Recorded } from './prune-fixtures'

const root = mkdtempSync(join(tmpdir(), 'complab-imported-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

type T = tf.SymbolicTensor
/** stem conv/2 → BN → ReLU → [depthwise → BN → ReLU → 1×1 conv → BN] + stem → conv/2 ‖ max-pool → concat → GAP → logits. */
function kerasStyleNet(): tf.LayersModel {
  const seed = (s: number): { kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform> } => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }) })
  const input = tf.input({ shape: [28, 28, 1], name: 'image' })
  const apply = (layer: tf.layers.Layer, x: T | T[]): T => layer.apply(x) as T
  const stem = apply(tf.layers.reLU({ name: 'stem_relu' }), apply(tf.layers.batchNormalization({ name: 'stem_bn' }), apply(tf.layers.conv2d({ name: 'stem', filters: 6, kernelSize: 3, strides: 2, padding: 'same', ...seed(1) }), input)))
  const dw = apply(tf.layers.reLU({ name: 'dw_relu' }), apply(tf.layers.batchNormalization({ name: 'dw_bn' }), apply(tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) }), stem)))
  const pw = apply(tf.layers.batchNormalization({ name: 'pw_bn' }), apply(tf.layers.conv2d({ name: 'pw', filters: 6, kernelSize: 1, ...seed(3) }), dw))
  const add = apply(tf.layers.reLU({ name: 'add_relu' }), apply(tf.layers.add({ name: 'add' }), [stem, pw]))
  const down = apply(tf.layers.reLU({ name: 'down_relu' }), apply(tf.layers.batchNormalization({ name: 'down_bn' }), apply(tf.layers.conv2d({ name: 'down', filters: 8, kernelSize: 3, strides: 2, padding: 'same', ...seed(4) }), add)))
  const pool = apply(tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }), add)
  const cat = apply(tf.layers.concatenate({ name: 'cat' }), [down, pool])
  const logits = apply(tf.layers.dense({ name: 'logits', units: 10, ...seed(5) }), apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), cat))
  return tf.model({ inputs: input, outputs: logits, name: 'keras_style' })
}

const IMPORTED = 'imported/model.json'
const MODEL = modelSpecSchema.parse({ arch: 'mlp', hidden: [8] }) // the spec's model: unused when a parent is imported

function config(method: RunMethod): RunConfig {
  return {
    dataset: { name: 'mnist-10k', testFraction: 0.04, splitSeed: 0, trainLimit: 120 },
    model: MODEL,
    training: trainingSpecSchema.parse({ epochs: 1, batchSize: 40, learningRate: 0.01 }),
    method,
    seed: 0,
  }
}

/** Runs `spec` (a method as written) from the imported model; what it reported, groups included. */
async function run(id: number, spec: Record<string, unknown>): Promise<Recorded & { groups: PruneGroupReport[] }> {
  const parsed = methodSpecSchema.parse(spec)
  const method = ('parent' in parsed ? { ...parsed, parent: { path: IMPORTED } } : { kind: 'train', from: { path: IMPORTED } }) as RunMethod
  const { sink, got } = recordingSink()
  const groups: PruneGroupReport[] = []
  await executeRun(pruneJob(root, id, config(method), join(root, IMPORTED)), { ...sink, groups: (g) => groups.push(...g) })
  return { ...got, groups }
}

beforeAll(async () => {
  const model = kerasStyleNet()
  await saveModel(model, join(root, dirname(IMPORTED)))
  model.dispose()
})

const RESIDUAL = ['stem', 'dw', 'pw', 'add']
let nextId = 10

describe('imported models with residual, depthwise and concatenated layers', () => {
  it('Taylor prunes the residual group through every member; the saved model loads in plain TF.js with the same outputs and reported shapes', async () => {
    const got = await run(2, { kind: 'prune', criterion: 'taylor', target: { ratio: 0.3 }, unitsPerStep: 2, fineTuneSteps: 1, finalEpochs: 1 })
    const r = got.results[0]
    expect(r.removed).toBe(4) // floor(0.3 × (6 + 8)) of the two groups' units
    const residual = got.groups.find((g) => g.name === 'stem') as PruneGroupReport
    expect(RESIDUAL.every((l) => residual.members.some((m) => m.layer === l))).toBe(true)
    expect(residual.members.find((m) => m.layer === 'dw')?.role).toBe('depthwise')
    expect(got.groups.map((g) => g.name)).toEqual(['stem', 'down'])
    expect(got.groups.reduce((a, g) => a + g.unitsBefore - g.unitsAfter, 0)).toBe(4)
    expect(got.groups.every((g) => typeof g.score === 'number')).toBe(true)

    const json = got.artifacts.find((a) => a.kind === 'model' && a.path.endsWith('model.json'))?.path as string
    const files = JSON.parse(readFileSync(json, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }
    const weights = readFileSync(join(dirname(json), files.weightsManifest[0].paths[0]))
    const plain = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs: files.weightsManifest[0].weights, weightData: new Uint8Array(weights).buffer }),
    )
    const lab = await loadModel(json)
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3)
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(plain.predict(x) as tf.Tensor, lab.predict(x) as tf.Tensor))))
    expect((await diff.data())[0]).toBeLessThan(1e-6)
    // Shapes as the report says: the residual group's width in every member, the concat's share after it.
    const after = new Map(got.layers[1].layers.map((l) => [l.name, l]))
    const stem = residual.unitsAfter
    expect(plain.getLayer('stem').getWeights()[0].shape).toEqual([3, 3, 1, stem])
    expect(plain.getLayer('dw').getWeights()[0].shape).toEqual([3, 3, stem, 1])
    expect(plain.getLayer('pw').getWeights()[0].shape).toEqual([1, 1, stem, stem])
    expect(after.get('pw')?.units).toBe(stem)
    expect(after.get('down')?.units).toBe(got.groups[1].unitsAfter)
    expect(plain.getLayer('logits').getWeights()[0].shape).toEqual([got.groups[1].unitsAfter + stem, 10])
    expect(plain.countParams()).toBe(r.params)
    tf.dispose([x, diff])
    plain.dispose()
    lab.dispose()
  })

  it.each([
    ['l1 per group, capped', { kind: 'prune', criterion: 'l1', target: { ratio: 0.4 }, ranking: 'layer', maxRatioPerLayer: 0.5, unitsPerStep: 3, fineTuneSteps: 0, finalEpochs: 0 }],
    ['random', { kind: 'prune', criterion: 'random', target: { units: 3 }, fineTuneSteps: 0, finalEpochs: 0 }],
    ['bn-scale, max of a group', { kind: 'prune', criterion: 'bn-scale', groupReduction: 'max', target: { units: 3 }, fineTuneSteps: 0, finalEpochs: 0 }],
    ['slimming', { kind: 'slimming', sparsityEpochs: 1, ratio: 0.3, finalEpochs: 0 }],
    ['singh', { kind: 'singh', sparsityEpochs: 1, retrainEpochs: 0, l1: 0.01, cutoff: 0.5, tolerance: 0.2, validationFraction: 0.25 }],
    ['magnitude', { kind: 'magnitude', finalSparsity: 0.5, steps: 2, frequency: 1, finalEpochs: 0 }],
  ])('%s prunes it by groups and reports them', async (_name, spec) => {
    const got = await run(nextId++, spec)
    const r = got.results[0]
    expect(r.params).toBeLessThanOrEqual(r['parent.params'])
    expect(got.groups.map((g) => g.name)).toEqual(['stem', 'down'])
    const removed = got.groups.reduce((a, g) => a + g.unitsBefore - g.unitsAfter, 0)
    if (spec.kind === 'magnitude') expect(removed).toBe(0)
    else if (spec.kind !== 'singh') expect(removed).toBe(r.removed)
    if (spec.kind === 'prune' && 'maxRatioPerLayer' in spec) {
      for (const g of got.groups) expect(g.unitsBefore - g.unitsAfter).toBeLessThanOrEqual(Math.floor(g.unitsBefore / 2))
    }
  })

  it('sensitivity prunes each group alone', async () => {
    const got = await run(30, { kind: 'sensitivity', criterion: 'l2', ratios: [0.5] })
    expect(Object.keys(got.results[0]).filter((k) => k.startsWith('sensitivity.') && k.includes('@')).sort()).toEqual(['sensitivity.down@0.5', 'sensitivity.stem@0.5'])
  })

  it('trains further from the imported model (`train` from an import)', async () => {
    const got = await run(40, { kind: 'train' })
    expect(got.results[0].epochs).toBe(1)
    expect(got.layers[0].layers.map((l) => l.name)).toContain('dw')
    // Named by its file, not by the spec's (unused) model.
    expect(got.logs.filter((l) => /^info: model keras_style from file imported\/model\.json: [\d,]+ parameters/.test(l))).toHaveLength(1)
    const saved = await loadModel(got.artifacts.find((a) => a.path.endsWith('model.json'))?.path as string)
    expect(saved.getLayer('add').getClassName()).toBe('Add')
    saved.dispose()
  })

  it('refuses at launch an imported parent with a layer kind the groups do not know, naming it', async () => {
    const input = tf.input({ shape: [28, 28, 1] })
    const flat = tf.layers.reshape({ name: 'to_vector', targetShape: [784] }).apply(input) as T
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'logits', units: 10 }).apply(flat) as T })
    await saveModel(model, join(root, 'reshaped'))
    model.dispose()
    const cfg = config({ ...(methodSpecSchema.parse({ kind: 'prune', target: { ratio: 0.5 } }) as object), parent: { path: 'reshaped/model.json' } } as RunMethod)
    expect(checkRunConfig(cfg, root)).toEqual(["parent model reshaped/model.json: layer 'to_vector' (Reshape) is not supported by pruning"])
    // Training it further needs no groups: no such refusal.
    expect(checkRunConfig(config({ kind: 'train', from: { path: 'reshaped/model.json' } }), root)).toEqual([])
  })
})
