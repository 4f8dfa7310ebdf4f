/**
 * The student of Mehta & Ozturk (ECCV-W 2018, §3.1): Tiny-YOLO made deep and narrow, with dense
 * feature-map stacking. Narrow 3×3 conv blocks with pooling down to the grid; then alternating
 * 1×1 (squeeze) and narrow 3×3 conv blocks at grid resolution ("fewer filters in the last 3×3
 * conv, 1×1 convs added"); earlier feature maps (the outputs of chosen pooled blocks, before their
 * pooling) go through a 1×1 bottleneck and space-to-depth to the grid, and are concatenated with
 * the last features ("stacking beat max-pool merging; later layers helped more than early
 * ones"); a 3×3 conv block fuses them before the linear 1×1 detection conv.
 */
import * as tf from '@tensorflow/tfjs'
import { convBlock, detectionConv, gridAfterPools, maxPool } from './detector-layers'
import { spaceToDepthLayer } from './space-to-depth'
import { checkHead, headChannels, type YoloHead } from './yolo-head'

export interface DenseStackedStudentOptions {
  inputShape: [number, number, number]
  head: YoloHead
  seed: number
  /** Filters of the conv blocks each followed by 2×2 pooling (default [8, 16, 32]). */
  filters?: number[]
  /** Grid-resolution blocks as [1×1 squeeze, 3×3] filter pairs (default [[16, 32], [16, 32]]). */
  gridBlocks?: Array<[number, number]>
  /** Indices into `filters` of the blocks whose maps are stacked (default: the last two). */
  stackFrom?: number[]
  /** Channels of each 1×1 bottleneck before space-to-depth (default 4). */
  bottleneck?: number
  /** Filters of the 3×3 block fusing the concatenation (default 32). */
  fuseFilters?: number
  batchNorm?: boolean
  name?: string
}

/** Builds the deep-but-narrow student with dense feature-map stacking; output S×S×(B·5 + C). */
export function buildDenseStackedStudent(o: DenseStackedStudentOptions): tf.LayersModel {
  checkHead(o.head)
  const filters = o.filters ?? [8, 16, 32]
  const gridBlocks = o.gridBlocks ?? [
    [16, 32],
    [16, 32],
  ]
  const stackFrom = o.stackFrom ?? [filters.length - 2, filters.length - 1].filter((i) => i >= 0)
  const bottleneck = o.bottleneck ?? 4
  const fuseFilters = o.fuseFilters ?? 32
  const batchNorm = o.batchNorm ?? true
  gridAfterPools(o.inputShape, filters.length, o.head.gridSize)
  for (const i of stackFrom) {
    if (!Number.isInteger(i) || i < 0 || i >= filters.length) {
      throw new Error(`student: stackFrom index ${i} is not a pooled block (0..${filters.length - 1})`)
    }
  }
  const input = tf.input({ shape: o.inputShape, name: 'image' })
  let x = input
  const stacked: tf.SymbolicTensor[] = []
  filters.forEach((f, i) => {
    x = convBlock(x, { name: `conv${i + 1}`, filters: f, kernelSize: 3, seed: o.seed, batchNorm })
    if (stackFrom.includes(i)) {
      // Block i's map is 2^(L−i) times finer than the grid (L = number of poolings).
      const squeezed = convBlock(x, { name: `stack${i + 1}_bottleneck`, filters: bottleneck, kernelSize: 1, seed: o.seed, batchNorm })
      const blockSize = 2 ** (filters.length - i)
      stacked.push(spaceToDepthLayer({ name: `stack${i + 1}_s2d`, blockSize }).apply(squeezed) as tf.SymbolicTensor)
    }
    x = maxPool(x, `pool${i + 1}`)
  })
  let k = filters.length
  for (const [squeeze, expand] of gridBlocks) {
    x = convBlock(x, { name: `conv${++k}`, filters: squeeze, kernelSize: 1, seed: o.seed, batchNorm })
    x = convBlock(x, { name: `conv${++k}`, filters: expand, kernelSize: 3, seed: o.seed, batchNorm })
  }
  if (stacked.length > 0) x = tf.layers.concatenate({ name: 'stack', axis: -1 }).apply([...stacked, x]) as tf.SymbolicTensor
  x = convBlock(x, { name: 'fuse', filters: fuseFilters, kernelSize: 3, seed: o.seed, batchNorm })
  const output = detectionConv(x, headChannels(o.head), o.seed)
  return tf.model({ inputs: input, outputs: output, name: o.name ?? 'dense_stacked_student' })
}
