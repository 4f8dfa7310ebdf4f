import type { TensorInfo } from '@tensorflow/tfjs'
import type { KernelCalls } from './kernel-call'

/**
 * Pads (positive amounts, with zeros) or crops (negative amounts) the two spatial axes of an NHWC
 * tensor: [top, bottom, left, right]. Returns the input itself when every amount is 0; otherwise a
 * new tensor the caller disposes.
 */
export function padOrCrop(
  k: KernelCalls,
  x: TensorInfo,
  amounts: [number, number, number, number],
): TensorInfo {
  const [top, bottom, left, right] = amounts
  let t = x
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [b, h, w, c] = t.shape
    const begin = [0, Math.max(0, -top), Math.max(0, -left), 0]
    const size = [b, h - begin[1] - Math.max(0, -bottom), w - begin[2] - Math.max(0, -right), c]
    t = k.run('Slice', { x: t }, { begin, size })
  }
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    const padded = k.run(
      'PadV2',
      { x: t },
      {
        paddings: [
          [0, 0],
          [Math.max(0, top), Math.max(0, bottom)],
          [Math.max(0, left), Math.max(0, right)],
          [0, 0],
        ],
        constantValue: 0,
      },
    )
    if (t !== x) k.dispose(t)
    t = padded
  }
  return t
}
