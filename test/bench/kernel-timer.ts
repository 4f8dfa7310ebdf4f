/**
 * Wraps every registered wasm kernel so that the CPU time (user + system) of its top-level calls
 * adds up per key (a composite's inner kernel calls count toward the composite). The key is the
 * kernel's name unless `keyOf` gives another (e.g. the kernel with its input shape).
 */
import * as tf from '@tensorflow/tfjs'
import { cpuUsage } from 'node:process'

/** CPU milliseconds and calls per key since the last `clear`. */
export interface KernelTimes {
  spent: Map<string, number>
  calls: Map<string, number>
  clear(): void
}

export function timeWasmKernels(keyOf: (name: string, args: Parameters<tf.KernelFunc>[0]) => string = (name) => name): KernelTimes {
  const spent = new Map<string, number>()
  const calls = new Map<string, number>()
  let depth = 0
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc
    tf.unregisterKernel(config.kernelName, 'wasm')
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return inner(args)
        depth++
        const c = cpuUsage()
        try {
          return inner(args)
        } finally {
          const u = cpuUsage(c)
          depth--
          const key = keyOf(config.kernelName, args)
          spent.set(key, (spent.get(key) ?? 0) + (u.user + u.system) / 1000)
          calls.set(key, (calls.get(key) ?? 0) + 1)
        }
      },
    })
  }
  return { spent, calls, clear: () => (spent.clear(), calls.clear()) }
}
