/**
 * Bias correction for classes left out of the transfer set — Hinton, Vinyals & Dean 2015, §3
 * ("no 3s"): a student that never saw a 3 in its transfer set still learns 3s from the soft targets
 * of other digits, but its bias for class 3 is too low; raising that one logit bias by the right
 * amount recovers most 3s (98.6 % in the paper). Here the amount is chosen on a labelled validation
 * split: for each omitted class, the bias b from a grid that maximises validation accuracy (all
 * classes), by coordinate ascent over the omitted classes; ties go to the smallest |b|.
 */
import * as tf from '@tensorflow/tfjs'
import { joinFloats } from '../train/join-floats'

/** Default grid of bias values tried: −5 … 25 in steps of 0.25. */
export const BIAS_GRID: readonly number[] = Array.from({ length: 121 }, (_, i) => -5 + i * 0.25)

/** Fraction of examples whose argmax of (logits + bias) is their label, over those of `only` (all if undefined). */
export function accuracyWithBias(
  logits: Float32Array,
  labels: Int32Array,
  numClasses: number,
  bias: readonly number[],
  only?: readonly number[],
): number {
  const subset = only ? new Set(only) : null
  let total = 0
  let correct = 0
  for (let i = 0; i < labels.length; i++) {
    if (subset && !subset.has(labels[i])) continue
    total++
    let best = 0
    let bestValue = -Infinity
    for (let c = 0; c < numClasses; c++) {
      const v = logits[i * numClasses + c] + bias[c]
      if (v > bestValue) {
        bestValue = v
        best = c
      }
    }
    if (best === labels[i]) correct++
  }
  return total ? correct / total : NaN
}

export interface BiasChoice {
  /** The bias added to each class's logit (0 for classes not corrected). */
  bias: number[]
  /** Validation accuracy without and with the bias. */
  before: number
  after: number
}

/** Chooses a logit bias for each class of `classes` on labelled validation logits (see the file comment). */
export function chooseClassBiases(
  logits: Float32Array,
  labels: Int32Array,
  numClasses: number,
  classes: readonly number[],
  grid: readonly number[] = BIAS_GRID,
  passes = 2,
): BiasChoice {
  if (logits.length !== labels.length * numClasses) throw new Error('chooseClassBiases: logits do not match the labels')
  const bias = new Array<number>(numClasses).fill(0)
  const before = accuracyWithBias(logits, labels, numClasses, bias)
  let best = before
  for (let pass = 0; pass < passes; pass++) {
    for (const c of classes) {
      let bestB = bias[c]
      for (const b of grid) {
        bias[c] = b
        const acc = accuracyWithBias(logits, labels, numClasses, bias)
        if (acc > best || (acc === best && Math.abs(b) < Math.abs(bestB))) {
          best = acc
          bestB = b
        }
      }
      bias[c] = bestB
    }
  }
  return { bias, before, after: best }
}

/** A model's logits for `n` examples (inference mode), row-major n × classes. */
export async function predictLogits(
  model: tf.LayersModel,
  x: Float32Array,
  inputShape: number[],
  batchSize = 500,
): Promise<Float32Array> {
  const features = inputShape.reduce((a, b) => a * b, 1)
  const n = x.length / features
  const parts: Float32Array[] = []
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize)
    const z = tf.tidy(() => model.apply(tf.tensor(x.slice(start * features, end * features), [end - start, ...inputShape]), { training: false }) as tf.Tensor)
    parts.push((await z.data()) as Float32Array)
    z.dispose()
  }
  return joinFloats(parts)
}

/** Adds `bias` to the bias vector of the model's output layer (so the saved model carries it). */
export function addOutputBias(model: tf.LayersModel, bias: readonly number[]): void {
  const layer = model.outputs[0].sourceLayer as tf.layers.Layer
  const weights = layer.getWeights()
  const index = weights.findIndex((w) => w.rank === 1 && w.shape[0] === bias.length)
  if (index < 0) throw new Error(`bias correction: the output layer ${layer.name} has no bias of ${bias.length} classes`)
  const updated = weights.map((w, i) => (i === index ? tf.tidy(() => tf.add(w, tf.tensor1d(bias.slice()))) : w))
  layer.setWeights(updated)
  updated[index].dispose()
}
