/**
 * Calling one backend's registered kernels from inside another kernel (a composite kernel), the way
 * the wasm backend composes its own: results are `TensorInfo`s owned by the backend, and every
 * intermediate is released with `disposeData` so a composite leaves nothing behind.
 */
import * as tf from '@tensorflow/tfjs'
import type {
  DataType,
  KernelBackend,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs'

export interface KernelCalls {
  /** Runs the named kernel of this backend. */
  run(name: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap): TensorInfo
  /** Runs a kernel with several outputs. */
  runAll(name: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap): TensorInfo[]
  /** Runs a kernel whose inputs are a list (Pack, Concat, AddN). */
  runList(name: string, inputs: TensorInfo[], attrs?: NamedAttrMap): TensorInfo
  /** Uploads values as a new backend tensor. */
  constant(values: Float32Array | Int32Array, shape: number[], dtype: DataType): TensorInfo
  /** Releases intermediates. */
  dispose(...infos: TensorInfo[]): void
}

/** The named input of a kernel call; a clear error when it is missing. */
export function input(inputs: NamedTensorInfoMap, name: string, kernel: string): TensorInfo {
  const t = inputs[name]
  if (!t) throw new Error(`${kernel}: missing input ${name}`)
  return t
}

/** A kernel caller bound to one backend instance (the one a kernel function was given). */
export function kernelCalls(backend: KernelBackend, backendName: string): KernelCalls {
  const runAll = (
    name: string,
    inputs: NamedTensorInfoMap,
    attrs: NamedAttrMap = {},
  ): TensorInfo[] => {
    const kernel = tf.getKernel(name, backendName)
    if (!kernel) throw new Error(`kernel ${name} is not registered for backend ${backendName}`)
    const out = kernel.kernelFunc({ inputs, backend, attrs })
    return Array.isArray(out) ? out : [out]
  }
  const run = (name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo => {
    const [first, ...rest] = runAll(name, inputs, attrs)
    for (const t of rest) backend.disposeData(t.dataId)
    return first
  }
  return {
    run,
    runAll,
    // List kernels receive their inputs as an array where the type says a named map.
    runList: (name, inputs, attrs = {}) =>
      run(name, inputs as unknown as NamedTensorInfoMap, attrs),
    constant(values, shape, dtype) {
      return { dataId: backend.write(values, shape, dtype), shape, dtype }
    },
    dispose(...infos) {
      for (const info of infos) backend.disposeData(info.dataId)
    },
  }
}
