/**
 * Space-to-depth as a serialisable TF.js layer: every b×b block of pixels becomes one pixel with
 * b²·C channels. Mehta & Ozturk (2018, §3.1 "dense feature-map stacking") bring earlier, finer
 * feature maps to the final grid this way before concatenating them, instead of max-pooling them.
 *
 * Channel order is TensorFlow's `space_to_depth`: output channel (dy·b + dx)·C + c holds input
 * channel c at offset (dy, dx) of the block. So input channel j appears at output channels
 * k·C + j for k < b² (stride C, b² positions) — the index map a pruner needs to cut the inputs of
 * the layers after it when channel j of the layer before it is removed.
 *
 * Built from reshape/transpose of rank 4 only (the wasm backend's transpose is fastest there):
 * [N, H, W, C] → [N·H/b, b, W/b, b·C] → transpose(0, 2, 1, 3) → [N·H/b, W/b, b, b·C] →
 * [N, H/b, W/b, b²·C].
 */
import * as tf from '@tensorflow/tfjs'

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>

export interface SpaceToDepthArgs extends LayerArgs {
  blockSize: number
}

/** [N, H, W, C] → [N, H/b, W/b, b²·C]; H and W must be multiples of b. */
export function spaceToDepth(x: tf.Tensor4D, blockSize: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape
    const b = blockSize
    if (h % b !== 0 || w % b !== 0) throw new Error(`space-to-depth: ${h}×${w} is not a multiple of the block size ${b}`)
    const rows = tf.reshape(x, [n * (h / b), b, w / b, b * c])
    return tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), [n, h / b, w / b, b * b * c])
  })
}

export class SpaceToDepth extends tf.layers.Layer {
  static className = 'SpaceToDepth'
  readonly blockSize: number

  constructor(args: SpaceToDepthArgs) {
    super(args)
    if (!Number.isInteger(args.blockSize) || args.blockSize < 1) throw new Error('SpaceToDepth: blockSize must be a positive integer')
    this.blockSize = args.blockSize
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape
    const b = this.blockSize
    const div = (d: number | null): number | null => (d === null ? null : d / b)
    return [s[0], div(s[1]), div(s[2]), s[3] === null ? null : s[3] * b * b]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs
    return spaceToDepth(x as tf.Tensor4D, this.blockSize)
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), blockSize: this.blockSize }
  }
}

tf.serialization.registerClass(SpaceToDepth)

/** A SpaceToDepth layer (registered, so models holding it save and load in the layers format). */
export function spaceToDepthLayer(args: SpaceToDepthArgs): SpaceToDepth {
  return new SpaceToDepth(args)
}
