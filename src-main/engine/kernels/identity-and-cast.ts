/**
 * `Identity` (and a `Cast` to the same dtype) for wasm as a shared reference instead of a copy,
 * as the cpu and webgl backends do it: the output takes the input's data with its reference count
 * raised. TF.js tensors are immutable (a variable's `assign` swaps its data, it never writes into
 * it), so nothing can tell the difference but the clock — and the clock can: the engine clones
 * (Identity) every tensor it saves for backpropagation, so the stock wasm kernel copied each
 * activation a training step keeps (35 copies in a LeNet-5 step, three of them 64×28×28×6):
 * 8% of a LeNet-5 step's CPU time, 10% of an MLP's (same-process A/B).
 * The stock wasm Cast to bool also wrapped values instead of testing them (−2.2 → 254, as a
 * byte): here it is x ≠ 0, as on cpu. String tensors keep the original kernels.
 */
import type { CastAttrs, KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { input } from './kernel-call'
import { overrideKernel } from './kernel-override'

/** The same data under a new reference (the backend frees it when every reference is disposed). */
export function sharedReference(backend: KernelBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

/** x ≠ 0 as a bool tensor (1/0 bytes), computed on heap views. */
export function castToBool(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool')
  const src = backend.typedArrayFromHeap(x)
  const dst = backend.typedArrayFromHeap(out)
  for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0
  return out
}

/** Replaces the wasm Identity and Cast (same dtype: shared reference; to bool: x ≠ 0). */
export function registerWasmIdentityAndCast(): string[] {
  const changed: string[] = []
  const identity = overrideKernel(
    'Identity',
    'wasm',
    (original) =>
      ({ inputs, backend, attrs }) => {
        const x = input(inputs as NamedTensorInfoMap, 'x', 'Identity')
        if (x.dtype === 'string') return original({ inputs, backend, attrs })
        return sharedReference(backend as KernelBackend, x)
      },
  )
  if (identity) changed.push('Identity')
  const cast = overrideKernel('Cast', 'wasm', (original) => ({ inputs, backend, attrs }) => {
    const x = input(inputs as NamedTensorInfoMap, 'x', 'Cast')
    const dtype = (attrs as unknown as CastAttrs).dtype
    if (x.dtype === 'string') return original({ inputs, backend, attrs })
    if (x.dtype === dtype) return sharedReference(backend as KernelBackend, x)
    if (dtype === 'bool') return castToBool(backend as unknown as BackendWasm, x)
    return original({ inputs, backend, attrs })
  })
  if (cast) changed.push('Cast')
  return changed
}
