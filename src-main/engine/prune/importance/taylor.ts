/**
 * Taylor criterion — Molchanov, Tyree, Karras, Aila, Kautz, ICLR 2017, "Pruning Convolutional
 * Neural Networks for Resource Efficient Inference" (METHODS P2; equation numbers of arXiv
 * 1611.06440v2).
 *
 *   eq. (7)  Θ(z_l^k) = | (1/M) Σ_m ∂C/∂z_{l,m}^k · z_{l,m}^k |   per example, M = positions of the
 *            map (M = 1 for a Dense unit), then averaged over the examples;
 *   eq. (8)  Θ̂(z_l^k) = Θ(z_l^k) / sqrt(Σ_j Θ(z_l^j)²)           layer-wise L2 normalisation;
 *   eq. (9)  Θ ← Θ − λ·Θ_l^flops                                  optional FLOPs regularisation.
 *
 * z_l^k is unit k's feature map read where removal acts: after the layer's BatchNormalization and
 * activation (`ScoredLayer.featureMap`). All layers' gradients come from ONE backward pass: each
 * map is multiplied by (1 + p_l) with a zero probe p_l of shape [N, C] broadcast over positions,
 * so the forward pass is unchanged and ∂C/∂p_{l,n,k} = Σ_m ∂C/∂z_{n,m,k} · z_{n,m,k} — exactly
 * the sum inside eq. (7), for every example n and unit k at once.
 *
 * C is the per-example cost: the context's loss is a batch mean, so it is multiplied by N before
 * differentiating (examples are independent in inference mode).
 *
 * FLOPs term unit: Θ_l^flops is the number of multiply-accumulates one unit of layer l costs
 * (Conv2D: kh·kw·c_in·h_out·w_out; Dense: fan-in × positions), in millions (MMAC per unit).
 */
import * as tf from '@tensorflow/tfjs'
import { forwardLayers } from '../forward'
import type { ScoredLayer } from '../structure'
import { contextBatches, contextStructure, layersToScore } from './context'
import { l2NormalizeScores } from './normalize'
import type { ImportanceContext, ImportanceScorer, ImportanceScores } from './types'

/** Options of the Taylor scorer. */
export interface TaylorOptions {
  /** Apply the layer-wise L2 normalisation of eq. (8) (default true). */
  normalize?: boolean
  /** λ of the FLOPs regularisation of eq. (9); 0 = off (default). Paper: 1e-3. */
  flopsLambda?: number
}

/** λ the paper uses for the FLOPs regularisation. */
export const TAYLOR_FLOPS_LAMBDA = 1e-3

/** Multiply-accumulates (in millions) that one unit of the layer costs: Θ_l^flops of eq. (9). */
export function unitMegaMacs(model: tf.LayersModel, layer: ScoredLayer): number {
  const l = model.getLayer(layer.name)
  const kernel = l.getWeights()[0]
  const outShape = l.outputShape as (number | null)[]
  const positions = outShape.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1)
  // Kernel entries per output channel: Dense fan-in, Conv2D kh·kw·c_in, DepthwiseConv2D kh·kw.
  const fanIn = kernel.size / layer.units
  return (fanIn * positions) / 1e6
}

/** Raw Θ of eq. (7), averaged over all batches' examples, per layer. */
async function rawTaylor(
  ctx: ImportanceContext,
  layers: ScoredLayer[],
): Promise<Map<string, Float64Array>> {
  if (ctx.loss === undefined) throw new Error("criterion 'taylor' needs a loss (ctx.loss)")
  const loss = ctx.loss
  const structure = contextStructure(ctx)
  const sums = new Map(layers.map((l) => [l.name, new Float64Array(l.units)]))
  const probeOf = new Map(layers.map((l, i) => [l.featureMap, i]))
  let examples = 0
  for await (const { xs, ys } of contextBatches(ctx, 'taylor')) {
    const n = xs.shape[0]
    const perExample = tf.tidy(() => {
      const probes = layers.map((l) => tf.zeros([n, l.units]))
      const positions: number[] = layers.map(() => 1)
      const gradients = tf.grads((...p: tf.Tensor[]) => {
        const { output } = forwardLayers(ctx.model, structure.graph, xs, {
          transform: (name, y) => {
            const i = probeOf.get(name)
            if (i === undefined) return y
            // z·(1 + p): p = 0 leaves z unchanged; ∂C/∂p = Σ_m ∂C/∂z_m · z_m per example and unit.
            const shape = [n, ...Array<number>(y.rank - 2).fill(1), layers[i].units]
            positions[i] = y.size / (n * layers[i].units)
            return tf.mul(y, tf.add(1, tf.reshape(p[i], shape)))
          },
        })
        return tf.mul(loss(ys, output), n) // sum of per-example costs C_n
      })(probes)
      // Eq. (7): |(1/M) Σ_m …| per example, summed over the batch's examples.
      return gradients.map((g, i) => tf.sum(tf.abs(tf.div(g, positions[i])), 0))
    })
    const values = await Promise.all(perExample.map((t) => t.data()))
    tf.dispose(perExample)
    layers.forEach((l, i) => {
      const sum = sums.get(l.name) as Float64Array
      for (let k = 0; k < l.units; k++) sum[k] += values[i][k]
    })
    examples += n
  }
  for (const sum of sums.values()) for (let k = 0; k < sum.length; k++) sum[k] /= examples
  return sums
}

/** Molchanov 2017 Taylor scorer (first-order change of the cost when a feature map is removed). */
export function taylorImportance(options: TaylorOptions = {}): ImportanceScorer {
  const normalize = options.normalize ?? true
  const lambda = options.flopsLambda ?? 0
  return {
    name: 'taylor',
    needsData: true,
    normalized: normalize,
    async score(ctx: ImportanceContext): Promise<ImportanceScores> {
      const layers = layersToScore(ctx, contextStructure(ctx))
      const raw = await rawTaylor(ctx, layers)
      const scores: ImportanceScores = new Map()
      for (const l of layers) {
        let theta: Float32Array = Float32Array.from(raw.get(l.name) as Float64Array)
        if (normalize) theta = l2NormalizeScores(theta)
        if (lambda !== 0) {
          const cost = lambda * unitMegaMacs(ctx.model, l)
          theta = theta.map((v) => v - cost)
        }
        scores.set(l.name, theta)
      }
      return scores
    },
  }
}
