/**
 * Structured pruning surgery: physically remove Dense units / Conv2D filters and the matching
 * inputs of every layer that reads them (BatchNormalization's four vectors, the rows of the next
 * Dense — through Flatten in channels-last order — and the input channels of the next Conv2D).
 * The topology JSON is edited (`units` / `filters`), the model rebuilt with
 * `tf.models.modelFromJSON`, and every weight copied with the removed indices gathered out, so the
 * result really is smaller (CONVENTIONS: no mask-only "sparsity"). The original is not touched.
 */
import * as tf from '@tensorflow/tfjs'
import { layerJsonName, topologyOf } from './graph'
import { analyzeStructure, consumerIndices, prunableLayer, type PruneStructure } from './structure'

/** Units to remove, by layer name (indices into the layer's output units). */
export type RemovalPlan = Record<string, number[]>

/** Per-layer index sets to drop: on the layer's own output axis and on its input axis. */
interface AxisCuts {
  output: Map<string, Set<number>>
  input: Map<string, Set<number>>
}

function addAll(map: Map<string, Set<number>>, key: string, values: number[]): void {
  const set = map.get(key) ?? new Set<number>()
  for (const v of values) set.add(v)
  map.set(key, set)
}

/** Checks a removal plan against the structure; throws with the first problem found. */
export function validateRemovalPlan(structure: PruneStructure, remove: RemovalPlan): void {
  if (structure.prunable.length === 0) {
    throw new Error(
      'model has nothing to prune: no Dense or Conv2D layer besides the output layers',
    )
  }
  for (const [name, indices] of Object.entries(remove)) {
    const layer = prunableLayer(structure, name)
    const seen = new Set<number>()
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= layer.units) {
        throw new Error(
          `unit index ${i} is out of range for layer '${name}' (${layer.units} units)`,
        )
      }
      if (seen.has(i)) throw new Error(`unit index ${i} appears twice for layer '${name}'`)
      seen.add(i)
    }
    if (seen.size >= layer.units)
      throw new Error(`pruning would remove every unit of layer '${name}'`)
  }
}

function planCuts(structure: PruneStructure, remove: RemovalPlan): AxisCuts {
  const cuts: AxisCuts = { output: new Map(), input: new Map() }
  for (const [name, indices] of Object.entries(remove)) {
    if (indices.length === 0) continue
    const layer = prunableLayer(structure, name)
    addAll(cuts.output, name, indices)
    for (const consumer of layer.consumers) {
      const rows = indices.flatMap((j) => consumerIndices(consumer, j))
      // BatchNormalization vectors are its output axis too; treat them as "input" cuts of axis 0.
      addAll(cuts.input, consumer.layer, rows)
    }
  }
  return cuts
}

function keepIndices(size: number, drop: Set<number> | undefined): number[] | null {
  if (drop === undefined || drop.size === 0) return null
  const keep: number[] = []
  for (let i = 0; i < size; i++) if (!drop.has(i)) keep.push(i)
  return keep
}

function gatherAxis(t: tf.Tensor, keep: number[] | null, axis: number): tf.Tensor {
  if (keep === null) return t
  return tf.gather(t, tf.tensor1d(keep, 'int32'), axis)
}

/**
 * Slices one layer's weights. Dense kernel [in, out], Conv2D kernel [kh, kw, in, out], biases and
 * BatchNormalization vectors (gamma, beta, moving mean, moving variance) are rank 1.
 */
function sliceWeights(
  className: string,
  weights: tf.Tensor[],
  outDrop: Set<number> | undefined,
  inDrop: Set<number> | undefined,
): tf.Tensor[] {
  return weights.map((w) => {
    if (className === 'BatchNormalization') return gatherAxis(w, keepIndices(w.shape[0], inDrop), 0)
    if (w.rank === 1) return gatherAxis(w, keepIndices(w.shape[0], outDrop), 0)
    const outAxis = w.rank - 1
    const inAxis = w.rank - 2
    const sliced = gatherAxis(w, keepIndices(w.shape[outAxis], outDrop), outAxis)
    return gatherAxis(sliced, keepIndices(w.shape[inAxis], inDrop), inAxis)
  })
}

/**
 * Removes the given units (Dense) / filters (Conv2D) and the matching inputs of their consumers.
 * Returns a new, smaller, uncompiled model; the original model is left as it was.
 */
export async function removeUnits(
  model: tf.LayersModel,
  remove: RemovalPlan,
  structure?: PruneStructure,
): Promise<tf.LayersModel> {
  const s = structure ?? analyzeStructure(model)
  validateRemovalPlan(s, remove)
  const cuts = planCuts(s, remove)

  const topology = topologyOf(model)
  for (const entry of topology.config.layers) {
    const drop = cuts.output.get(layerJsonName(entry))
    if (drop === undefined) continue
    const key = entry.class_name === 'Dense' ? 'units' : 'filters'
    entry.config[key] = Number(entry.config[key]) - drop.size
  }
  const pruned = await tf.models.modelFromJSON(
    topology as unknown as Parameters<typeof tf.models.modelFromJSON>[0],
  )

  for (const layer of model.layers) {
    const original = layer.getWeights() // the variables' values: never dispose these
    if (original.length === 0) continue
    const target = pruned.getLayer(layer.name)
    // Gathered weights are copied into fresh tensors: on the wasm backend a gather's output keeps
    // the backend-side shape of its internal rank-4 form, which the variable adopts, and the wasm
    // FusedConv2D then refuses the bias ("only supports rank-1 bias but got rank 4").
    const gathered = tf.tidy(() =>
      sliceWeights(layer.getClassName(), original, cuts.output.get(layer.name), cuts.input.get(layer.name)),
    )
    const sliced: tf.Tensor[] = []
    for (const t of gathered) {
      sliced.push(original.includes(t) ? t : tf.tensor(await t.data(), t.shape, t.dtype))
    }
    target.setWeights(sliced)
    for (const t of [...gathered, ...sliced]) if (!original.includes(t)) t.dispose()
  }
  return pruned
}

/** Number of parameters of a model (all weights, trainable or not). */
export function parameterCount(model: tf.LayersModel): number {
  return model.layers.reduce((sum, l) => sum + l.countParams(), 0)
}
