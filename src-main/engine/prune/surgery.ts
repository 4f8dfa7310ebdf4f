/**
 * Structured pruning surgery by dependency groups: removing unit k of a group removes its channels
 * from EVERY member at once — the output channels of the layers that make them (Dense units,
 * Conv2D filters), the matching entries of BatchNormalization, depthwise kernels and biases, the
 * input rows of the next Dense (through Flatten) and the input channels of the next convolution,
 * through Add, Concatenate and space-to-depth. Each layer kind's cuts (`layer-kinds/`) say which of
 * its weight axes lose the positions its input or output carries a removed channel at. The topology
 * JSON is edited (widths), the model rebuilt with `tf.models.modelFromJSON`, and every weight copied
 * with the removed indices gathered out, so the result really is smaller (CONVENTIONS: no mask-only
 * "sparsity"). The original is not touched.
 */
import * as tf from '@tensorflow/tfjs'
import { layerJsonName, topologyOf } from './graph'
import { analyzeStructure, prunableLayer, type PruneStructure } from './structure'

/** Units to remove, by group name (indices into the group's units; a chain's group is its layer). */
export type RemovalPlan = Record<string, number[]>

/** Per layer, the positions of its input and output (last axis) that carry a removed channel. */
interface LayerDrops {
  input: Set<number>
  output: Set<number>
}

/** Checks a removal plan against the structure; throws with the first problem found. */
export function validateRemovalPlan(structure: PruneStructure, remove: RemovalPlan): void {
  if (structure.prunable.length === 0) {
    throw new Error('model has nothing to prune: no Dense or Conv2D layer besides the output layers')
  }
  for (const [name, indices] of Object.entries(remove)) {
    const group = prunableLayer(structure, name)
    const seen = new Set<number>()
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= group.units) {
        throw new Error(`unit index ${i} is out of range for layer '${name}' (${group.units} units)`)
      }
      if (seen.has(i)) throw new Error(`unit index ${i} appears twice for layer '${name}'`)
      seen.add(i)
    }
    if (seen.size >= group.units) {
      const members = group.members.length > 1 ? ` (the group of ${group.members.map((m) => m.layer).join(', ')})` : ''
      throw new Error(`pruning would remove every unit of layer '${name}'${members}`)
    }
  }
}

function positionsOf(ids: Int32Array, removed: Set<number>, root: (id: number) => number): Set<number> {
  const out = new Set<number>()
  for (let p = 0; p < ids.length; p++) if (removed.has(root(ids[p]))) out.add(p)
  return out
}

/** The drops of every layer whose input or output carries a removed channel. */
function planDrops(structure: PruneStructure, remove: RemovalPlan): Map<string, LayerDrops> {
  const removed = new Set<number>()
  for (const [name, indices] of Object.entries(remove)) {
    const group = prunableLayer(structure, name)
    for (const k of indices) removed.add(group.roots[k])
  }
  const drops = new Map<string, LayerDrops>()
  if (removed.size === 0) return drops
  const { origins, root } = structure.trace
  for (const node of structure.graph.nodes) {
    const output = positionsOf(origins.get(node.name) as Int32Array, removed, root)
    const from = node.inputs[0]
    const input = from === undefined ? new Set<number>() : positionsOf(origins.get(from) as Int32Array, removed, root)
    if (output.size > 0 || input.size > 0) drops.set(node.name, { input, output })
  }
  return drops
}

function keepIndices(size: number, drop: Set<number>): number[] | null {
  if (drop.size === 0) return null
  const keep: number[] = []
  for (let i = 0; i < size; i++) if (!drop.has(i)) keep.push(i)
  return keep
}

/** One layer's weights with the dropped positions gathered out, as its kind's cuts say. */
function sliceWeights(structure: PruneStructure, layer: string, weights: tf.Tensor[], drops: LayerDrops): tf.Tensor[] {
  const kind = structure.trace.kinds.get(layer)
  return weights.map((w, index) => {
    let t = w
    for (const { axis, by } of kind?.cut?.(index, w.rank) ?? []) {
      const keep = keepIndices(t.shape[axis], drops[by])
      if (keep !== null) t = tf.gather(t, tf.tensor1d(keep, 'int32'), axis)
    }
    return t
  })
}

/**
 * Removes the given units of each group from every member, returning a new, smaller, uncompiled
 * model; the original model is left as it was.
 */
export async function removeUnits(model: tf.LayersModel, remove: RemovalPlan, structure?: PruneStructure): Promise<tf.LayersModel> {
  const s = structure ?? analyzeStructure(model)
  validateRemovalPlan(s, remove)
  const drops = planDrops(s, remove)

  const topology = topologyOf(model)
  for (const entry of topology.config.layers) {
    const name = layerJsonName(entry)
    const key = s.trace.kinds.get(name)?.widthKey
    const drop = drops.get(name)
    if (key === undefined || drop === undefined) continue
    entry.config[key] = Number(entry.config[key]) - drop.output.size
  }
  const pruned = await tf.models.modelFromJSON(topology as unknown as Parameters<typeof tf.models.modelFromJSON>[0])

  for (const layer of model.layers) {
    const original = layer.getWeights() // the variables' values: never dispose these
    if (original.length === 0) continue
    const target = pruned.getLayer(layer.name)
    const drop = drops.get(layer.name)
    // Gathered weights are copied into fresh tensors: on the wasm backend a gather's output keeps
    // the backend-side shape of its internal rank-4 form, which the variable adopts, and the wasm
    // FusedConv2D then refuses the bias ("only supports rank-1 bias but got rank 4").
    const gathered = tf.tidy(() => (drop === undefined ? original : sliceWeights(s, layer.name, original, drop)))
    const sliced: tf.Tensor[] = []
    for (const t of gathered) sliced.push(original.includes(t) ? t : tf.tensor(await t.data(), t.shape, t.dtype))
    target.setWeights(sliced)
    for (const t of [...gathered, ...sliced]) if (!original.includes(t)) t.dispose()
  }
  return pruned
}

/** Number of parameters of a model (all weights, trainable or not). */
export function parameterCount(model: tf.LayersModel): number {
  return model.layers.reduce((sum, l) => sum + l.countParams(), 0)
}
