/**
 * How a quantized layer's kernel is stored (METHODS Q1). Values are kept in the TF.js kernel's own
 * layout, read as [rows, C] with the C output channels last (Dense [in, out], Conv2D
 * [kh, kw, in, out], DepthwiseConv2D [kh, kw, in, multiplier] with C = in · multiplier), so one
 * encoding serves the lab (dequantized back into the layer) and every export format.
 */

/** A kernel as stored: float32 as it is, int8 per output channel, uint8 per tensor, or float16. */
export type KernelEncoding =
  | { kind: 'float32' }
  /** Symmetric per channel: x̂ = s_c · q, q ∈ [−127, 127], z = 0. */
  | { kind: 'int8'; q: Int8Array; scales: Float32Array }
  /** Affine per tensor: x̂ = s · (q − z), q ∈ [0, 255]. */
  | { kind: 'uint8'; q: Uint8Array; scale: number; zeroPoint: number }
  /** IEEE half precision, as bits. */
  | { kind: 'float16'; bits: Uint16Array }

/** An activation tensor quantized by static calibration: uint8 affine, per tensor. */
export interface ActivationQuantization {
  scale: number
  zeroPoint: number
}

/**
 * Bytes of a kernel as stored: its values plus its scales and zero points; `codedValues` replaces
 * the integer values' bytes (their entropy-coded size).
 */
export function encodedKernelBytes(e: KernelEncoding, count: number, codedValues?: number): number {
  switch (e.kind) {
    case 'float32':
      return 4 * count
    case 'int8':
      return (codedValues ?? e.q.length) + 4 * e.scales.length + e.scales.length
    case 'uint8':
      return (codedValues ?? e.q.length) + 4 + 1
    case 'float16':
      return 2 * e.bits.length
  }
}
