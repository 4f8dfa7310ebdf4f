/**
 * The lab's direct depthwise-conv gradients on wasm (src-main/engine/kernels/depthwise-backprop.ts:
 * the SIMD kernel for these multiplier-1 shapes; on a loaded 2-core machine dW + dx took 1.4–2.1×
 * the forward conv, 20–150× less than the composite)
 * on MobileNetV2's depthwise shapes (CIFAR strides, 28×28 digits, batch 64, widths ×0.5 and ×1),
 * against the composite they replaced (the depthwise conv as a regular conv with a block-diagonal
 * filter: C× the work, on XNNPACK) and against the forward DepthwiseConv2dNative (XNNPACK) for
 * scale. CPU time per call (dW + dx together), median of many, interleaved.
 *
 * Usage: node --import tsx test/bench/depthwise-grad.ts [rounds=20]
 */
import * as tf from '@tensorflow/tfjs'
import type { TensorInfo } from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { cpuUsage } from 'node:process'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { conv2dBackpropFilterComposite } from '../../src-main/engine/kernels/conv2d-backprop-filter'
import { depthwiseBackpropFilter, depthwiseBackpropInput } from '../../src-main/engine/kernels/depthwise-backprop'
import { kernelCalls } from '../../src-main/engine/kernels/kernel-call'

const rounds = Number(process.argv[2] ?? 20)

export interface DepthwiseTiming {
  name: string
  forwardMs: number
  directMs: number
  compositeMs: number
}

const info = (t: tf.Tensor): TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype })

/** The replaced composite: dx and dW of a depthwise conv (multiplier 1) as a block-diagonal regular conv. */
function composite(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, w: TensorInfo, strides: number): TensorInfo[] {
  const k = kernelCalls(backend as never, 'wasm')
  const [kh, kw, c] = w.shape
  const eye = new Float32Array(c * c)
  for (let i = 0; i < c; i++) eye[i * c + i] = 1
  const eyeT = k.constant(eye, [1, c, c, 1], 'float32')
  const wr = k.run('Reshape', { x: w }, { shape: [kh * kw, c, 1, 1] })
  const blocks = k.run('Multiply', { a: wr, b: eyeT })
  const full = k.run('Reshape', { x: blocks }, { shape: [kh, kw, c, c] })
  const dx = k.run('Conv2DBackpropInput', { dy, filter: full }, { strides, pad: 'same', dataFormat: 'NHWC', inputShape: x.shape })
  const fullGrad = conv2dBackpropFilterComposite(backend as never, 'wasm', x, dy, {
    strides,
    pad: 'same',
    dataFormat: 'NHWC',
    filterShape: [kh, kw, c, c],
  } as never)
  const flat = k.run('Reshape', { x: fullGrad }, { shape: [kh * kw, c * c, 1] })
  const diagonal = k.constant(Int32Array.from({ length: c }, (_, i) => i * c + i), [c], 'int32')
  const dw = k.run('GatherV2', { x: flat, indices: diagonal }, { axis: 1, batchDims: 0 })
  k.dispose(eyeT, wr, blocks, full, fullGrad, flat, diagonal)
  return [dx, dw]
}

async function main(): Promise<void> {
  await selectBackend('wasm')
  const backend = tf.backend() as unknown as BackendWasm
  // [name, input side, channels, stride] of MobileNetV2's depthwise convs at 28×28 (CIFAR strides).
  const shapes: [string, number, number, number][] = [
    ['mbv2 ×0.5 block2', 28, 48, 1],
    ['mbv2 ×0.5 block4', 28, 48, 2],
    ['mbv2 ×0.5 block8', 7, 96, 1],
    ['mbv2 ×1 block2', 28, 96, 1],
    ['mbv2 ×1 block14', 4, 576, 2],
  ]
  const ms = (f: () => TensorInfo[]): number => {
    const c = cpuUsage()
    const out = f()
    const u = cpuUsage(c)
    for (const t of out) backend.disposeData(t.dataId)
    return (u.user + u.system) / 1000
  }
  const med = (t: number[]): number => t.sort((p, q) => p - q)[t.length >> 1]
  console.log('depthwise 3×3, batch 64'.padEnd(30), 'forward ms'.padStart(11), 'direct ms'.padStart(10), 'composite ms'.padStart(13))
  const rows: DepthwiseTiming[] = shapes.map(([name, size, c, strides]) => {
    const x = tf.randomNormal([64, size, size, c])
    const w = tf.randomNormal([3, 3, c, 1])
    const out = Math.ceil(size / strides)
    const dy = tf.randomNormal([64, out, out, c])
    const attrs = { strides, pad: 'same' as const, dilations: 1 }
    const direct = (): TensorInfo[] => [
      depthwiseBackpropFilter(backend, info(x), info(dy), { ...attrs, filterShape: [3, 3, c, 1] }),
      depthwiseBackpropInput(backend, info(dy), info(w), { ...attrs, inputShape: [64, size, size, c] }),
    ]
    const times: number[][] = [[], [], []]
    const compositeRounds = Math.max(3, Math.round(rounds / 4))
    for (let r = 0; r < rounds + 2; r++) {
      const c0 = cpuUsage()
      tf.dispose(tf.engine().runKernel('DepthwiseConv2dNative', { x, filter: w }, attrs as never) as tf.Tensor)
      const u0 = cpuUsage(c0)
      const f = (u0.user + u0.system) / 1000
      const d = ms(direct)
      if (r >= 2) times[0].push(f)
      if (r >= 2) times[1].push(d)
      if (r >= 2 && r < compositeRounds + 2) times[2].push(ms(() => composite(backend, info(x), info(dy), info(w), strides)))
    }
    const [forwardMs, directMs, compositeMs] = times.map(med)
    console.log(name.padEnd(30), forwardMs.toFixed(2).padStart(11), directMs.toFixed(2).padStart(10), compositeMs.toFixed(2).padStart(13))
    tf.dispose([x, w, dy])
    return { name, forwardMs, directMs, compositeMs }
  })
  process.stdout.write(`${JSON.stringify({ rows })}\n`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
