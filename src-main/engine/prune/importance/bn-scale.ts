/**
 * BatchNorm scale factor — network slimming, Liu et al., ICCV 2017, "Learning Efficient
 * Convolutional Networks through Network Slimming", §3.2: each channel's importance is |γ| of the
 * BatchNormalization that follows it (trained with an L1 penalty on γ, eq. (1)).
 */
import * as tf from '@tensorflow/tfjs'
import { weightScorer } from './context'
import type { ImportanceScorer } from './types'

/** |γ| of the BatchNormalization following each layer; an error when a layer has none. */
export function bnScaleImportance(): ImportanceScorer {
  return weightScorer('bn-scale', (ctx, layer) => {
    if (layer.batchNorm === null) {
      throw new Error(`criterion 'bn-scale' needs a BatchNormalization after layer '${layer.name}' (network slimming); it has none`)
    }
    const bn = ctx.model.getLayer(layer.batchNorm)
    if (bn.getConfig().scale === false) {
      throw new Error(`criterion 'bn-scale': BatchNormalization '${bn.name}' after layer '${layer.name}' has no scale γ (scale: false)`)
    }
    return tf.tidy(() => tf.abs(bn.getWeights()[0]) as tf.Tensor1D)
  })
}
