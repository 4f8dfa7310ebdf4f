/**
 * APoZ — Hu, Peng, Tai, Tang 2016, "Network Trimming", eq. (1): APoZ_c = Σ_k Σ_j f(O_c,j(k) = 0)
 * / (N·M), the average percentage of zeros of channel c's post-ReLU output over N examples and M
 * positions. Fewer zeros = more important, so the score is 1 − APoZ (higher = keep).
 */
import * as tf from '@tensorflow/tfjs'
import { featureMapScorer, nonChannelAxes } from './context'
import type { ImportanceScorer } from './types'

/** 1 − average percentage of zeros of each unit's feature map (read after its activation). */
export function apozImportance(): ImportanceScorer {
  return featureMapScorer('apoz', (map) => tf.sub(1, tf.mean(tf.cast(tf.equal(map, 0), 'float32'), nonChannelAxes(map))) as tf.Tensor1D)
}
