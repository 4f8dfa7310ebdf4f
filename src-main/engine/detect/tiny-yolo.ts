/**
 * The teacher: a Tiny-YOLO-style detector (Redmon & Farhadi 2017, tiny-yolo-voc scaled down):
 * 3×3 conv blocks each followed by 2×2 max pooling down to the grid, then 3×3 conv blocks at grid
 * resolution and the linear 1×1 detection conv, S×S×(B·5 + C).
 */
import * as tf from '@tensorflow/tfjs'
import { convBlock, detectionConv, gridAfterPools, maxPool } from './detector-layers'
import { checkHead, headChannels, type YoloHead } from './yolo-head'

export interface TinyYoloOptions {
  /** [height, width, channels], square, divisible by 2^filters.length. */
  inputShape: [number, number, number]
  head: YoloHead
  seed: number
  /** Filters of the conv blocks that are each followed by 2×2 pooling (default [16, 32, 64]). */
  filters?: number[]
  /** Filters of the 3×3 conv blocks at grid resolution (default [128, 128]). */
  gridFilters?: number[]
  batchNorm?: boolean
  name?: string
}

/** Builds the Tiny-YOLO-style teacher; output S×S×(B·5 + C) raw (see yolo-head). */
export function buildTinyYolo(o: TinyYoloOptions): tf.LayersModel {
  checkHead(o.head)
  const filters = o.filters ?? [16, 32, 64]
  const gridFilters = o.gridFilters ?? [128, 128]
  const batchNorm = o.batchNorm ?? true
  gridAfterPools(o.inputShape, filters.length, o.head.gridSize)
  const input = tf.input({ shape: o.inputShape, name: 'image' })
  let x = input
  filters.forEach((f, i) => {
    x = convBlock(x, { name: `conv${i + 1}`, filters: f, kernelSize: 3, seed: o.seed, batchNorm })
    x = maxPool(x, `pool${i + 1}`)
  })
  gridFilters.forEach((f, i) => {
    x = convBlock(x, { name: `conv${filters.length + i + 1}`, filters: f, kernelSize: 3, seed: o.seed, batchNorm })
  })
  const output = detectionConv(x, headChannels(o.head), o.seed)
  return tf.model({ inputs: input, outputs: output, name: o.name ?? 'tiny_yolo' })
}
