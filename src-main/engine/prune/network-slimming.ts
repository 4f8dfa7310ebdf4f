/**
 * Network slimming — Liu, Li, Shen, Huang, Yan, Zhang, ICCV 2017, "Learning Efficient
 * Convolutional Networks through Network Slimming": train with L = Σ l(f(x, W), y) + λ·Σ_γ |γ|
 * (eq. (1), g(γ) = |γ|) over the BatchNormalization scales that follow prunable layers, then remove
 * the channels whose |γ| falls under one GLOBAL percentile (no per-layer normalisation), and
 * fine-tune.
 */
import * as tf from '@tensorflow/tfjs'
import { scoreGroups } from './group-scores'
import { bnScaleImportance } from './importance/bn-scale'
import { selectGlobal } from './select'
import { analyzeStructure, type PruneGroup, type PruneStructure } from './structure'
import type { RemovalPlan } from './surgery'

/** The groups whose every owner layer is followed by a BatchNormalization (its |γ| scores the channel). */
export function slimmableGroups(structure: PruneStructure): PruneGroup[] {
  return structure.prunable.filter((g) => g.owners.every((o) => o.batchNorm !== null))
}

/** BatchNormalization layers that scale the channels of a slimmable group. */
export function slimmableBatchNorms(structure: PruneStructure): string[] {
  return [...new Set(slimmableGroups(structure).flatMap((g) => g.owners.map((o) => o.batchNorm as string)))]
}

/** Liu et al. 2017, eq. (1): λ·Σ|γ| over the given BatchNorm layers (a tf scalar reading the variables). */
export function bnScalePenalty(
  model: tf.LayersModel,
  lambda: number,
  batchNorms: string[] = slimmableBatchNorms(analyzeStructure(model)),
): tf.Scalar {
  return tf.tidy(() => {
    const terms = batchNorms.map((name) => {
      const gamma = model.getLayer(name).weights.find((w) => /\/gamma(_\d+)?$/.test(w.name))
      if (gamma === undefined)
        throw new Error(`BatchNormalization '${name}' has no scale γ (scale: false)`)
      return tf.sum(tf.abs(gamma.read()))
    })
    return tf.mul(terms.length === 0 ? tf.scalar(0) : tf.addN(terms), lambda) as tf.Scalar
  })
}

/**
 * The channels with the smallest |γ| over all slimmable groups: floor(ratio·total) of them. A
 * group's channel scores the largest |γ| among its BatchNorms (kept if any of them still scales it).
 */
export async function networkSlimmingPlan(
  model: tf.LayersModel,
  options: { ratio: number; minUnits?: number; structure?: PruneStructure },
): Promise<RemovalPlan> {
  const structure = options.structure ?? analyzeStructure(model)
  const layers = slimmableGroups(structure).map((g) => g.name)
  if (layers.length === 0)
    throw new Error('network slimming needs BatchNormalization after at least one prunable layer')
  const scores = await scoreGroups(bnScaleImportance(), { model, structure, layers }, { reduction: 'max', normalize: false })
  return selectGlobal(scores, {
    ratio: options.ratio,
    minUnits: options.minUnits,
    normalize: false,
  })
}
