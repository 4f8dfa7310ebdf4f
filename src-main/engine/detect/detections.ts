/**
 * Predictions → detections: every anchor box gives one candidate per class with the class-specific
 * score ô·p̂_c (YOLOv1 §2); candidates under `scoreThreshold` are dropped, the rest go through
 * per-class NMS. The low default threshold (0.005) is the one used for VOC mAP, which needs the
 * whole precision–recall curve; raise it (e.g. 0.25) to show boxes to a person.
 */
import * as tf from '@tensorflow/tfjs'
import { clipBox } from './box'
import { classwiseNms, type Detection } from './nms'
import { decodeOutput } from './yolo-output'
import type { YoloHead } from './yolo-head'

export interface DecodeOptions {
  scoreThreshold?: number
  /** IoU above which a lower-scored box of the same class is suppressed (0.45, as Darknet). */
  nmsIou?: number
  maxDetections?: number
}

const resolve = (o: DecodeOptions): Required<DecodeOptions> => ({
  scoreThreshold: o.scoreThreshold ?? 0.005,
  nmsIou: o.nmsIou ?? 0.45,
  maxDetections: o.maxDetections ?? 100,
})

/**
 * Detections from decoded arrays: corners [n, S, S, B, 4] and scores [n, S, S, B, C], flat.
 * Boxes are clipped to the image.
 */
export function detectionsFromArrays(
  corners: ArrayLike<number>,
  scores: ArrayLike<number>,
  n: number,
  head: YoloHead,
  options: DecodeOptions = {},
): Detection[][] {
  const o = resolve(options)
  const C = head.numClasses
  const perImage = head.gridSize * head.gridSize * head.anchors.length
  const out: Detection[][] = []
  for (let img = 0; img < n; img++) {
    const candidates: Detection[] = []
    for (let a = img * perImage; a < (img + 1) * perImage; a++) {
      for (let c = 0; c < C; c++) {
        const score = scores[a * C + c]
        if (score < o.scoreThreshold) continue
        const box = clipBox({ xMin: corners[a * 4], yMin: corners[a * 4 + 1], xMax: corners[a * 4 + 2], yMax: corners[a * 4 + 3] })
        if (box.xMax <= box.xMin || box.yMax <= box.yMin) continue
        candidates.push({ ...box, classId: c, score })
      }
    }
    out.push(classwiseNms(candidates, o.nmsIou, o.maxDetections))
  }
  return out
}

/** Detections of a raw output tensor [n, S, S, B·5 + C]. */
export async function detectionsFromOutput(raw: tf.Tensor, head: YoloHead, options: DecodeOptions = {}): Promise<Detection[][]> {
  const decoded = decodeOutput(raw, head)
  try {
    const [corners, scores] = await Promise.all([decoded.corners.data(), decoded.scores.data()])
    return detectionsFromArrays(corners, scores, raw.shape[0], head, options)
  } finally {
    decoded.corners.dispose()
    decoded.scores.dispose()
  }
}

/** Runs the detector on images (NHWC, flat) in batches and returns each image's detections. */
export async function detect(
  model: tf.LayersModel,
  images: { x: Float32Array; n: number },
  inputShape: readonly number[],
  head: YoloHead,
  options: DecodeOptions & { batchSize?: number } = {},
): Promise<Detection[][]> {
  const batchSize = options.batchSize ?? 64
  const size = inputShape[0] * inputShape[1] * inputShape[2]
  const out: Detection[][] = []
  for (let start = 0; start < images.n; start += batchSize) {
    const end = Math.min(images.n, start + batchSize)
    const shape: [number, number, number, number] = [end - start, inputShape[0], inputShape[1], inputShape[2]]
    const raw = tf.tidy(() => model.predict(tf.tensor4d(images.x.subarray(start * size, end * size), shape)) as tf.Tensor)
    try {
      out.push(...(await detectionsFromOutput(raw, head, options)))
    } finally {
      raw.dispose()
    }
  }
  return out
}
