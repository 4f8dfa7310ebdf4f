/**
 * Mean activation — the baseline of Molchanov et al., ICLR 2017, §2.2 ("Θ_MA(z) = (1/M) Σ z_m",
 * averaged over examples). The feature map is read after the unit's BatchNormalization and
 * activation (see `PrunableLayer.featureMap`); we average |z| so that a map with a non-ReLU
 * activation still ranks by magnitude (for post-ReLU maps |z| = z, the paper's form).
 */
import * as tf from '@tensorflow/tfjs'
import { featureMapScorer, nonChannelAxes } from './context'
import type { ImportanceScorer } from './types'

/** Mean |activation| per unit over examples and spatial positions. */
export function meanActivationImportance(): ImportanceScorer {
  return featureMapScorer('mean-activation', (map) => tf.mean(tf.abs(map), nonChannelAxes(map)) as tf.Tensor1D)
}
