/**
 * The raw S×S×(B·5 + C) output split into its parts, in the spaces the loss compares
 * (YOLOv2 §2): box parameters b = (σ(tx), σ(ty), tw, th), objectness ô = σ(to), class logits.
 * Also decoding to image-space boxes and per-class scores ô·p̂_c (YOLOv1 §2, "class-specific
 * confidence scores").
 */
import * as tf from '@tensorflow/tfjs'
import type { YoloHead } from './yolo-head'

export interface YoloOutputParts {
  /** [N, S, S, B, 4]: (σ(tx), σ(ty), tw, th). */
  boxes: tf.Tensor5D
  /** [N, S, S, B]: ô = σ(to). */
  objectness: tf.Tensor4D
  /** [N, S, S, C]: class logits (softmax gives p̂). */
  classLogits: tf.Tensor4D
}

/** Splits a raw output [N, S, S, B·5 + C] into box parameters, objectness and class logits. */
export function splitOutput(raw: tf.Tensor, head: YoloHead): YoloOutputParts {
  return tf.tidy(() => {
    const [n, s] = raw.shape
    const B = head.anchors.length
    const C = head.numClasses
    if (raw.shape.length !== 4 || raw.shape[3] !== B * 5 + C || raw.shape[2] !== s || s !== head.gridSize) {
      const expected = `${head.gridSize}×${head.gridSize}×${B * 5 + C}`
      throw new Error(`detector output ${JSON.stringify(raw.shape)} does not match the head ${expected}`)
    }
    const anchors = tf.reshape(tf.slice(raw, [0, 0, 0, 0], [n, s, s, B * 5]), [n, s, s, B, 5])
    const xy = tf.sigmoid(tf.slice(anchors, [0, 0, 0, 0, 0], [n, s, s, B, 2]))
    const wh = tf.slice(anchors, [0, 0, 0, 0, 2], [n, s, s, B, 2])
    const objectness = tf.reshape(tf.sigmoid(tf.slice(anchors, [0, 0, 0, 0, 4], [n, s, s, B, 1])), [n, s, s, B]) as tf.Tensor4D
    const classLogits = tf.slice(raw, [0, 0, 0, B * 5], [n, s, s, C]) as tf.Tensor4D
    return { boxes: tf.concat([xy, wh], -1) as tf.Tensor5D, objectness, classLogits }
  })
}

/** Image-space corners [N, S, S, B, 4] = (xMin, yMin, xMax, yMax) of the box parameters. */
export function boxCorners(boxes: tf.Tensor5D, head: YoloHead): tf.Tensor5D {
  return tf.tidy(() => {
    const [n, s, , B] = boxes.shape
    const cols = tf.reshape(tf.range(0, s), [1, 1, s, 1])
    const rows = tf.reshape(tf.range(0, s), [1, s, 1, 1])
    const part = (k: number): tf.Tensor4D => tf.reshape(tf.slice(boxes, [0, 0, 0, 0, k], [n, s, s, B, 1]), [n, s, s, B])
    const x = tf.div(tf.add(part(0), cols), s)
    const y = tf.div(tf.add(part(1), rows), s)
    const pw = tf.tensor1d(head.anchors.map((a) => a[0]))
    const ph = tf.tensor1d(head.anchors.map((a) => a[1]))
    const halfW = tf.mul(tf.exp(part(2)), tf.div(pw, 2))
    const halfH = tf.mul(tf.exp(part(3)), tf.div(ph, 2))
    return tf.stack([tf.sub(x, halfW), tf.sub(y, halfH), tf.add(x, halfW), tf.add(y, halfH)], -1) as tf.Tensor5D
  })
}

/** Decoded predictions: corners [N, S, S, B, 4] and class-specific scores ô·p̂_c [N, S, S, B, C]. */
export function decodeOutput(raw: tf.Tensor, head: YoloHead): { corners: tf.Tensor5D; scores: tf.Tensor5D } {
  return tf.tidy(() => {
    const parts = splitOutput(raw, head)
    const probs = tf.softmax(parts.classLogits)
    const scores = tf.mul(tf.expandDims(parts.objectness, -1), tf.expandDims(probs, 3)) as tf.Tensor5D
    return { corners: boxCorners(parts.boxes, head), scores }
  })
}
