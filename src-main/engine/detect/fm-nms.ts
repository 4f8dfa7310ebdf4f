/**
 * Feature-map NMS (Mehta & Ozturk 2018, §4.2), applied to the teacher's output before it is used
 * as a target: among the candidates in a K×K neighbourhood of cells (K = 3) that predict the same
 * class, keep only the one with the highest objectness and zero the others for that class.
 *
 * With per-cell class scores (S×S×(B·5 + C)), a candidate is an anchor box (cell, b); it predicts
 * its cell's arg-max class, and its objectness is ô_{cell,b}. A candidate is kept when its
 * objectness is the highest among the same-class candidates in the K×K window centred on its
 * cell (windows are cut at the grid's border) — so of a cell's B anchors at most the best one
 * survives. For a suppressed candidate, "zeroing for that class" sets its objectness to 0, and
 * sets its cell's probability of that class to 0 when no anchor of the cell was kept (the class
 * scores are shared by the cell's anchors). Equal objectness values are all kept.
 *
 * The window maximum is a K×K stride-1 max pooling of the class-masked objectness, so the whole
 * operation runs on the device.
 */
import * as tf from '@tensorflow/tfjs'

export interface FmNmsResult {
  /** [N, S, S, B]: objectness with suppressed candidates zeroed. */
  objectness: tf.Tensor4D
  /** [N, S, S, C]: class probabilities with the suppressed cells' class zeroed. */
  classProbs: tf.Tensor4D
  /** [N, S, S, B]: 1 where the candidate was kept. */
  kept: tf.Tensor4D
}

/** FM-NMS over objectness [N, S, S, B] and class probabilities [N, S, S, C]; K odd, ≥ 1. */
export function fmNms(objectness: tf.Tensor4D, classProbs: tf.Tensor4D, k = 3): FmNmsResult {
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0) throw new Error(`FM-NMS: K must be an odd positive integer, got ${k}`)
  return tf.tidy(() => {
    const C = classProbs.shape[3]
    const oneHot = tf.oneHot(tf.argMax(classProbs, -1), C).toFloat() as tf.Tensor4D // [N, S, S, C]
    const cellBest = tf.max(objectness, -1, true) // [N, S, S, 1]
    // Objectness of each cell's best candidate in the channel of its class, 0 in the others
    // (objectness is ≥ 0, so zeros never win against a candidate).
    const byClass = tf.mul(oneHot, cellBest) as tf.Tensor4D
    const windowMax = tf.maxPool(byClass, k, 1, 'same') // [N, S, S, C]
    const ownWindowMax = tf.sum(tf.mul(oneHot, windowMax), -1, true) // [N, S, S, 1]
    const kept = tf.cast(tf.greaterEqual(objectness, ownWindowMax), 'float32') as tf.Tensor4D
    const cellKept = tf.cast(tf.greaterEqual(cellBest, ownWindowMax), 'float32')
    const classMask = tf.sub(1, tf.mul(oneHot, tf.sub(1, cellKept)))
    return { objectness: tf.mul(objectness, kept) as tf.Tensor4D, classProbs: tf.mul(classProbs, classMask) as tf.Tensor4D, kept }
  })
}
