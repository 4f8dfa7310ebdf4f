/**
 * Tiny functional models with every kind of channel coupling (not a test file itself): residual
 * Add with identity and projection shortcuts, depthwise convolutions (multiplier 1 and 2),
 * Concatenate, Flatten → Dense and space-to-depth, each with BatchNormalization; and a helper that
 * makes chosen units of a group output exactly zero in every member.
 */
import * as tf from '@tensorflow/tfjs'
import { SpaceToDepth } from '../../../../src-main/engine/detect/space-to-depth'
import type { PruneStructure } from '../../../../src-main/engine/prune/structure'
import { patchWeight } from './fixtures'

type T = tf.SymbolicTensor
const init = (seed: number): { kernelInitializer: ReturnType<typeof tf.initializers.glorotUniform>; biasInitializer: 'ones' } => ({
  kernelInitializer: tf.initializers.glorotUniform({ seed }),
  biasInitializer: 'ones',
})
const conv = (x: T, name: string, filters: number, seed: number, o: { kernelSize?: number; strides?: number } = {}): T =>
  tf.layers.conv2d({ name, filters, kernelSize: o.kernelSize ?? 3, strides: o.strides ?? 1, padding: 'same', ...init(seed) }).apply(x) as T
const bn = (x: T, name: string): T => tf.layers.batchNormalization({ name }).apply(x) as T
const relu = (x: T, name: string): T => tf.layers.reLU({ name }).apply(x) as T
const head = (x: T, classes = 3): T => tf.layers.dense({ name: 'logits', units: classes, ...init(99) }).apply(tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as T) as T

/** Sets non-trivial BatchNormalization statistics, so a wrong slice would show in the outputs. */
export function randomizeBatchNorms(model: tf.LayersModel): void {
  let seed = 7
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue
    const next = layer.getWeights().map((w, i) =>
      tf.tidy(() => (i === 3 ? tf.randomUniform(w.shape, 0.5, 2, 'float32', seed++) : tf.randomUniform(w.shape, -0.5, 0.5, 'float32', seed++))),
    )
    layer.setWeights(next)
    tf.dispose(next)
  }
}

/** ResNet-style: stem → identity block (Add) → projection block (stride 2, 1×1 shortcut) → GAP → dense. Input [6, 6, 2]. */
export function residualNet(): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2] })
  const stem = relu(bn(conv(input, 'stem', 4, 1), 'stem_bn'), 'stem_relu')
  const a = relu(bn(conv(stem, 'b1_conv1', 3, 2), 'b1_bn1'), 'b1_relu1')
  const b = bn(conv(a, 'b1_conv2', 4, 3), 'b1_bn2')
  const add1 = relu(tf.layers.add({ name: 'b1_add' }).apply([stem, b]) as T, 'b1_out')
  const c = relu(bn(conv(add1, 'b2_conv1', 5, 4, { strides: 2 }), 'b2_bn1'), 'b2_relu1')
  const d = bn(conv(c, 'b2_conv2', 6, 5), 'b2_bn2')
  const proj = bn(conv(add1, 'b2_proj', 6, 6, { kernelSize: 1, strides: 2 }), 'b2_proj_bn')
  const add2 = relu(tf.layers.add({ name: 'b2_add' }).apply([d, proj]) as T, 'b2_out')
  const model = tf.model({ inputs: input, outputs: head(add2) })
  randomizeBatchNorms(model)
  return model
}

/** MobileNetV2-style inverted residual: expand 1×1 → BN → ReLU6 → depthwise 3×3 (multiplier m) → BN → ReLU6 → project 1×1 → BN, added to the stem. Input [5, 5, 2]. */
export function invertedResidualNet(depthMultiplier = 1): tf.LayersModel {
  const input = tf.input({ shape: [5, 5, 2] })
  const stem = bn(conv(input, 'stem', 3, 1), 'stem_bn')
  const expand = tf.layers.reLU({ maxValue: 6, name: 'expand_relu' }).apply(bn(conv(stem, 'expand', 4, 2, { kernelSize: 1 }), 'expand_bn')) as T
  const dw = tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, padding: 'same', depthMultiplier, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 3 }), biasInitializer: 'ones' }).apply(expand) as T
  const dwOut = tf.layers.reLU({ maxValue: 6, name: 'dw_relu' }).apply(bn(dw, 'dw_bn')) as T
  const project = bn(conv(dwOut, 'project', 3, 4, { kernelSize: 1 }), 'project_bn')
  const sum = tf.layers.add({ name: 'block_add' }).apply([stem, project]) as T
  const model = tf.model({ inputs: input, outputs: head(sum) })
  randomizeBatchNorms(model)
  return model
}

/** Two conv branches concatenated on channels → conv → flatten → dense; and a space-to-depth branch stacked in. Input [4, 4, 2]. */
export function concatNet(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 2] })
  const a = relu(bn(conv(input, 'a', 2, 1, { kernelSize: 1 }), 'a_bn'), 'a_relu')
  const fine = relu(conv(input, 'fine', 3, 2), 'fine_relu')
  const pooled = tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(a) as T
  const stacked = new SpaceToDepth({ name: 's2d', blockSize: 2 }).apply(fine) as T
  const cat = tf.layers.concatenate({ name: 'cat' }).apply([pooled, stacked]) as T
  const c = relu(conv(cat, 'c', 4, 3, { kernelSize: 1 }), 'c_relu')
  const flat = tf.layers.flatten({ name: 'flat' }).apply(c) as T
  const out = tf.layers.dense({ name: 'logits', units: 3, ...init(4) }).apply(flat) as T
  return tf.model({ inputs: input, outputs: out })
}

/**
 * Makes units `units` of group `group` output exactly zero everywhere: their kernel columns and
 * biases in every layer owning them, and γ = β = 0 in every BatchNormalization carrying them
 * (BN(0) = β − γ·μ/√(σ² + ε) is not 0 otherwise).
 */
export function zeroGroupUnits(model: tf.LayersModel, structure: PruneStructure, group: string, units: number[]): void {
  const g = structure.prunable.find((x) => x.name === group)
  if (g === undefined) throw new Error(`no group ${group}`)
  const roots = new Set(units.map((k) => g.roots[k]))
  for (const node of structure.graph.nodes) {
    const ids = structure.trace.origins.get(node.name) as Int32Array
    const positions = new Set([...ids.keys()].filter((p) => roots.has(structure.trace.root(ids[p]))))
    if (positions.size === 0) continue
    const owner = g.owners.some((o) => o.name === node.name)
    if (!owner && node.className !== 'BatchNormalization') continue
    const width = ids.length
    const count = model.getLayer(node.name).getWeights().length
    for (let w = 0; w < count; w++) {
      if (node.className === 'BatchNormalization' && w > 1) continue // γ, β only
      patchWeight(model, node.name, w, (v) => {
        for (let i = 0; i < v.length; i++) if (positions.has(i % width)) v[i] = 0
      })
    }
  }
}
