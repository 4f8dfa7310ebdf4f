/**
 * Helpers every scorer shares: resolve the layers to score, iterate the data, and average
 * per-unit statistics of feature maps over the examples.
 */
import * as tf from '@tensorflow/tfjs'
import { forwardLayers } from '../forward'
import { layerKindOf } from '../layer-kinds/registry'
import { analyzeStructure, prunableLayer, type PruneStructure, type ScoredLayer } from '../structure'
import type { Batch, ImportanceContext, ImportanceScorer, ImportanceScores } from './types'

/** The structure of the context's model (analysed once when the context has none). */
export function contextStructure(ctx: ImportanceContext): PruneStructure {
  return ctx.structure ?? analyzeStructure(ctx.model)
}

/**
 * The layers a context asks to score: the owners (Dense, Conv2D, depthwise layers carrying the
 * channels with weights of their own) of the groups it names, all groups by default, each once.
 */
export function layersToScore(ctx: ImportanceContext, structure: PruneStructure = contextStructure(ctx)): ScoredLayer[] {
  const groups = ctx.layers === undefined ? structure.prunable : ctx.layers.map((name) => prunableLayer(structure, name))
  const owners = new Map<string, ScoredLayer>()
  for (const g of groups) for (const o of g.owners) if (!owners.has(o.name)) owners.set(o.name, o)
  return [...owners.values()]
}

/** Iterates the context's batches; throws when the criterion needs data and there is none. */
export async function* contextBatches(
  ctx: ImportanceContext,
  criterion: string,
): AsyncGenerator<Batch> {
  if (ctx.data === undefined)
    throw new Error(`criterion '${criterion}' needs data batches (ctx.data)`)
  let count = 0
  for await (const batch of ctx.data()) {
    count++
    yield batch
  }
  if (count === 0) throw new Error(`criterion '${criterion}' got no data batches`)
}

/** Reduces a feature map [n, …, c] to one value per channel; runs inside tidy. */
export type ChannelReducer = (map: tf.Tensor) => tf.Tensor1D

/** Mean over the examples of `reduce(feature map)` per unit, for each layer to score. */
export async function averageFeatureMapStatistic(
  ctx: ImportanceContext,
  criterion: string,
  reduce: ChannelReducer,
): Promise<Map<string, Float32Array>> {
  const structure = contextStructure(ctx)
  const layers = layersToScore(ctx, structure)
  const sums = new Map(layers.map((l) => [l.name, new Float64Array(l.units)]))
  let examples = 0
  for await (const batch of contextBatches(ctx, criterion)) {
    const n = batch.xs.shape[0]
    const perLayer = tf.tidy(() => {
      const { taps } = forwardLayers(ctx.model, structure.graph, batch.xs, {
        taps: layers.map((l) => l.featureMap),
      })
      // reduce() averages over the batch; weight by n so unequal batches average per example.
      return layers.map((l) => reduce(taps.get(l.featureMap) as tf.Tensor))
    })
    const values = await Promise.all(perLayer.map((t) => t.data()))
    tf.dispose(perLayer)
    layers.forEach((l, i) => {
      const sum = sums.get(l.name) as Float64Array
      for (let j = 0; j < l.units; j++) sum[j] += values[i][j] * n
    })
    examples += n
  }
  return new Map(
    layers.map((l) => [
      l.name,
      Float32Array.from(sums.get(l.name) as Float64Array, (v) => v / examples),
    ]),
  )
}

/** All axes of a tensor but the last (channel) one. */
export function nonChannelAxes(t: tf.Tensor): number[] {
  return Array.from({ length: t.rank - 1 }, (_, i) => i)
}

/**
 * The layer's kernel as a matrix [fan-in, units] (Dense [in, out]; Conv2D [kh·kw·in, out];
 * DepthwiseConv2D [kh·kw, in·m], column c·m + k being output channel c·m + k).
 */
export function unitKernelMatrix(model: tf.LayersModel, layer: ScoredLayer): tf.Tensor2D {
  const kernel = model.getLayer(layer.name).getWeights()[layerKindOf(layer.className)?.kernelIndex ?? 0]
  return tf.reshape(kernel, [-1, layer.units])
}

/**
 * A criterion read from the weights alone (no data): `scoreLayer` gives each layer's unit scores,
 * as an array or as a tensor (read, then disposed).
 */
export function weightScorer(
  name: string,
  scoreLayer: (ctx: ImportanceContext, layer: ScoredLayer) => Float32Array | tf.Tensor1D,
): ImportanceScorer {
  return {
    name,
    needsData: false,
    async score(ctx: ImportanceContext): Promise<ImportanceScores> {
      const scores: ImportanceScores = new Map()
      for (const layer of layersToScore(ctx, contextStructure(ctx))) {
        const s = scoreLayer(ctx, layer)
        if (s instanceof Float32Array) scores.set(layer.name, s)
        else {
          scores.set(layer.name, (await s.data()) as Float32Array)
          s.dispose()
        }
      }
      return scores
    },
  }
}

/** A criterion read from feature maps on data: `reduce` per map, averaged over the examples. */
export function featureMapScorer(name: string, reduce: ChannelReducer): ImportanceScorer {
  return { name, needsData: true, score: (ctx) => averageFeatureMapStatistic(ctx, name, reduce) }
}
