/**
 * A weighted layer's kernel and bias as initializers, in ONNX layout: float32 as it is; int8 per
 * output channel and uint8 per tensor as QDQ (the integer values, their scales and zero points,
 * and a DequantizeLinear node, so ONNX Runtime can fuse them into integer kernels); float16 as
 * half-precision values and a Cast. A BatchNormalization folded into the layer scales each output
 * channel: W'_c = a_c · W_c, b'_c = a_c · b_c + shift_c — for int8 the integers stay and the
 * channel's scale becomes |a_c| · s_c (the integers negated where a_c < 0), so folding is exact.
 */
import type { KernelEncoding } from '../../../quantize/kernel-encoding'
import type { TensorData } from '../graph-builder'
import type { FoldedBatchNorm, LayerExportContext } from '../layer-export'
import { onnxKernel, type KernelKind } from '../tensor-layout'

/** The channel of each element of a [rows, C] kernel is its index modulo C. */
function foldFloat(values: Float32Array, fold: FoldedBatchNorm | null): Float32Array {
  if (!fold) return values
  const c = fold.scale.length
  return values.map((v, i) => v * fold.scale[i % c])
}

function foldInt8(e: Extract<KernelEncoding, { kind: 'int8' }>, fold: FoldedBatchNorm | null): { q: Int8Array; scales: Float32Array } {
  if (!fold) return e
  const c = e.scales.length
  const q = e.q.map((v, i) => (fold.scale[i % c] < 0 ? -v : v))
  const scales = e.scales.map((s, ch) => s * Math.abs(fold.scale[ch]))
  return { q, scales }
}

/** The kernel's initializer(s) and the name of the float tensor the operator reads. */
export function emitKernel(c: LayerExportContext, kind: KernelKind, values: Float32Array, shape: readonly number[]): string {
  const { g, encoding: e, folded } = c
  const base = `${c.node.name}/kernel`
  const place = <T extends TensorData>(data: T): ReturnType<typeof onnxKernel<T>> => onnxKernel(kind, data, shape)
  if (folded && (e.kind === 'uint8' || e.kind === 'float16')) {
    throw new Error(`ONNX export: layer '${c.node.name}': a ${e.kind} kernel cannot take a folded BatchNormalization`)
  }
  switch (e.kind) {
    case 'float32': {
      const k = place(foldFloat(values, folded))
      return g.initializer(base, k.data, k.dims)
    }
    case 'float16': {
      const k = place(e.bits)
      const half = g.initializer(`${base}_f16`, k.data, k.dims, { float16: true })
      return g.node('Cast', [half], { name: base, attrs: { to: { int: 1 } } })
    }
    case 'int8': {
      const { q, scales } = foldInt8(e, folded)
      const k = place(q)
      const s = g.floats(`${base}_scale`, scales)
      const z = g.initializer(`${base}_zero_point`, new Int8Array(scales.length), [scales.length])
      const quantized = g.initializer(`${base}_int8`, k.data, k.dims)
      return g.node('DequantizeLinear', [quantized, s, z], { name: base, attrs: { axis: { int: k.channelAxis } } })
    }
    case 'uint8': {
      const k = place(e.q)
      const s = g.floats(`${base}_scale`, [e.scale], [])
      const z = g.initializer(`${base}_zero_point`, Uint8Array.of(e.zeroPoint), [])
      const quantized = g.initializer(`${base}_uint8`, k.data, k.dims)
      return g.node('DequantizeLinear', [quantized, s, z], { name: base })
    }
  }
}

/** The layer's bias (zeros when it has none but a folded BatchNormalization adds a shift), or null. */
export function emitBias(c: LayerExportContext, bias: Float32Array | null, channels: number): string | null {
  const { folded } = c
  if (!bias && !folded) return null
  const b = bias ?? new Float32Array(channels)
  const out = folded ? b.map((v, ch) => v * folded.scale[ch] + folded.shift[ch]) : b
  return c.g.floats(`${c.node.name}/bias`, out)
}
