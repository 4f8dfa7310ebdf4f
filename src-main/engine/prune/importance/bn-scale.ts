/**
 * BatchNorm scale factor — network slimming, Liu et al., ICCV 2017, "Learning Efficient
 * Convolutional Networks through Network Slimming", §3.2: each channel's importance is |γ| of the
 * BatchNormalization that follows it (trained with an L1 penalty on γ, eq. (1)).
 */
import * as tf from '@tensorflow/tfjs'
import { contextStructure, layersToScore } from './context'
import type { ImportanceContext, ImportanceScorer, ImportanceScores } from './types'

/** |γ| of the BatchNormalization following each layer; an error when a layer has none. */
export function bnScaleImportance(): ImportanceScorer {
  return {
    name: 'bn-scale',
    needsData: false,
    async score(ctx: ImportanceContext): Promise<ImportanceScores> {
      const scores: ImportanceScores = new Map()
      for (const layer of layersToScore(ctx, contextStructure(ctx))) {
        if (layer.batchNorm === null) {
          throw new Error(
            `criterion 'bn-scale' needs a BatchNormalization after layer '${layer.name}' (network slimming); it has none`,
          )
        }
        const bn = ctx.model.getLayer(layer.batchNorm)
        if (bn.getConfig().scale === false) {
          throw new Error(
            `criterion 'bn-scale': BatchNormalization '${bn.name}' after layer '${layer.name}' has no scale γ (scale: false)`,
          )
        }
        const gamma = tf.tidy(() => tf.abs(bn.getWeights()[0]))
        scores.set(layer.name, (await gamma.data()) as Float32Array)
        gamma.dispose()
      }
      return scores
    },
  }
}
