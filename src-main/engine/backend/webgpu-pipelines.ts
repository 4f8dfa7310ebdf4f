/**
 * Shader compilation on the webgpu backend, timed and made visible to the run's worker.
 *
 * tfjs-backend-webgpu 4.22 compiles each new program (a kernel at a new shape) with the
 * synchronous `device.createComputePipeline` inside the op call (its asynchronous path exists only
 * in its compile-only mode, which executes nothing). On a software adapter every compile is CPU
 * work (Tint, then SwiftShader's JIT): tens to hundreds of ms each, seconds on a loaded machine,
 * and the first training step of a conv net compiles some hundred pipelines in one synchronous
 * stretch. A timer (the worker's heartbeat) cannot fire during it, although the process is busy
 * and healthy. Each compile is therefore timed here and then announced to the listeners: the
 * worker beats from there, so it proves it is alive between two compiles while a truly stuck
 * process (one compile, or any other synchronous stretch, longer than the scheduler's timeout)
 * still stops beating. The totals measure the shader-compile cost of a run.
 */

/** Pipelines compiled in this process and the wall time spent compiling them. */
export interface PipelineStats {
  compiled: number
  totalMs: number
  longestMs: number
}

interface DeviceLike {
  createComputePipeline(descriptor: unknown): unknown
}

const stats: PipelineStats = { compiled: 0, totalMs: 0, longestMs: 0 }
const listeners = new Set<() => void>()
const timed = new WeakSet<object>()

/** The compile totals so far (a copy). */
export function pipelineStats(): PipelineStats {
  return { ...stats }
}

/** Calls `listener` after every pipeline compiled (synchronously, inside the op); returns the unsubscribe. */
export function onPipelineCompiled(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Wraps `device.createComputePipeline` to time each compile and tell the listeners. */
export function timePipelineCreation<D extends DeviceLike>(device: D): D {
  if (timed.has(device)) return device
  const create = device.createComputePipeline.bind(device)
  device.createComputePipeline = (descriptor: unknown): unknown => {
    const start = performance.now()
    try {
      return create(descriptor)
    } finally {
      const ms = performance.now() - start
      stats.compiled++
      stats.totalMs += ms
      stats.longestMs = Math.max(stats.longestMs, ms)
      for (const listener of listeners) listener()
    }
  }
  timed.add(device)
  return device
}
