/**
 * Quantizing one kernel (METHODS Q1; Jacob et al. 2018, eq. 1; Krishnamoorthi 2018 §2): the affine
 * map q = clamp(round(x / s) + z, q_min, q_max), x̂ = s · (q − z). int8 weights are symmetric per
 * output channel (z = 0, s_c = max|W_c| / 127), uint8 per tensor affine over [min(W, 0),
 * max(W, 0)] (so 0 is exact), float16 rounds to the nearest half. Kernels are read as [rows, C],
 * channels last (see `kernel-encoding.ts`). Rounding is half to even, as ONNX Runtime's
 * QuantizeLinear and `tf.round` do.
 */
import type { KernelEncoding } from './kernel-encoding'

/** The weight schemes a quantize run can use. */
export type WeightScheme = 'int8' | 'uint8' | 'float16'

/** Round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x)
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r
}

/** int8 symmetric per channel: s_c = max|W_c| / 127 (1 for an all-zero channel), q ∈ [−127, 127]. */
export function quantizeInt8PerChannel(values: Float32Array, channels: number): Extract<KernelEncoding, { kind: 'int8' }> {
  const maxAbs = new Float32Array(channels)
  for (let i = 0; i < values.length; i++) maxAbs[i % channels] = Math.max(maxAbs[i % channels], Math.abs(values[i]))
  const scales = maxAbs.map((m) => (m > 0 ? m / 127 : 1))
  const q = new Int8Array(values.length)
  for (let i = 0; i < values.length; i++) q[i] = Math.max(-127, Math.min(127, roundHalfEven(values[i] / scales[i % channels])))
  return { kind: 'int8', q, scales }
}

/** The affine uint8 parameters of a range [lo, hi] widened to hold 0 (exactly representable). */
export function uint8Range(lo: number, hi: number): { scale: number; zeroPoint: number } {
  const min = Math.min(lo, 0)
  const max = Math.max(hi, 0)
  if (max === min) return { scale: 1, zeroPoint: 0 }
  const scale = (max - min) / 255
  return { scale, zeroPoint: Math.max(0, Math.min(255, roundHalfEven(-min / scale))) }
}

/** uint8 affine per tensor over [min(W, 0), max(W, 0)]. */
export function quantizeUint8PerTensor(values: Float32Array): Extract<KernelEncoding, { kind: 'uint8' }> {
  let lo = 0
  let hi = 0
  for (const v of values) {
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  const { scale, zeroPoint } = uint8Range(lo, hi)
  const q = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) q[i] = Math.max(0, Math.min(255, roundHalfEven(values[i] / scale) + zeroPoint))
  return { kind: 'uint8', q, scale, zeroPoint }
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** IEEE 754 half-precision bits of `x`, rounded to nearest even (overflow to ±Infinity). */
export function toFloat16Bits(x: number): number {
  f32[0] = x
  const b = u32[0]
  const sign = (b >>> 16) & 0x8000
  const exp = (b >>> 23) & 0xff
  let mant = b & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0)
  let e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    if (e < -10) return sign
    mant |= 0x800000
    const shift = 14 - e
    const half = mant >>> shift
    const rest = mant & ((1 << shift) - 1)
    const mid = 1 << (shift - 1)
    return sign | (half + (rest > mid || (rest === mid && (half & 1)) ? 1 : 0))
  }
  const rest = mant & 0x1fff
  mant >>>= 13
  if (rest > 0x1000 || (rest === 0x1000 && (mant & 1))) {
    mant++
    if (mant === 0x400) {
      mant = 0
      e++
      if (e >= 0x1f) return sign | 0x7c00
    }
  }
  return sign | (e << 10) | mant
}

/** The value of half-precision bits. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant ? NaN : sign * Infinity
  return sign * (1 + mant / 1024) * 2 ** (exp - 15)
}

/** A kernel of `channels` output channels quantized by `scheme`. */
export function quantizeKernel(values: Float32Array, channels: number, scheme: WeightScheme): KernelEncoding {
  if (scheme === 'int8') return quantizeInt8PerChannel(values, channels)
  if (scheme === 'uint8') return quantizeUint8PerTensor(values)
  return { kind: 'float16', bits: Uint16Array.from(values, toFloat16Bits) }
}

/** x̂: the float values a quantized kernel stands for (the kernel as the lab and ONNX Runtime compute with). */
export function dequantizeKernel(e: KernelEncoding, values: Float32Array): Float32Array {
  switch (e.kind) {
    case 'float32':
      return values
    case 'int8': {
      const c = e.scales.length
      return Float32Array.from(e.q, (q, i) => q * e.scales[i % c])
    }
    case 'uint8':
      return Float32Array.from(e.q, (q) => (q - e.zeroPoint) * e.scale)
    case 'float16':
      return Float32Array.from(e.bits, fromFloat16Bits)
  }
}
