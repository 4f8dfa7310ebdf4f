/**
 * The lab's direct SIMD convolution (src-main/engine/kernels/conv-forward.ts) against the wasm
 * backend's own FusedConv2D (XNNPACK), per shape: CPU time of one call, median of many, the two
 * interleaved. Decides `MAX_DIRECT_IN_CHANNELS` and shows that the direct kernel's cost follows the
 * number of filters where XNNPACK's does not.
 *
 * Usage: node --import tsx test/bench/conv-forward.ts [rounds=200]
 */
import * as tf from '@tensorflow/tfjs'
import type { TensorInfo } from '@tensorflow/tfjs'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { cpuUsage } from 'node:process'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import {
  conv2dBackpropFilterComposite,
  directFilterGrad,
} from '../../src-main/engine/kernels/conv2d-backprop-filter'
import { directConv2d } from '../../src-main/engine/kernels/conv-forward'
import { originalKernel } from '../../src-main/engine/kernels/kernel-override'

const rounds = Number(process.argv[2] ?? 200)

export interface Shape {
  name: string
  batch: number
  size: number
  cin: number
  cout: number
  k: number
  pad: 'same' | 'valid'
}

/** One shape's timing, as printed in the last line's JSON (`rows`, `gradRows`). */
export type ConvTiming = Shape & { xnnMs: number; directMs: number; maxDiff: number }

const info = (t: tf.Tensor): TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype })

async function main(): Promise<void> {
  await selectBackend('wasm')
  const backend = tf.backend() as unknown as BackendWasm
  const xnn = originalKernel('FusedConv2D', 'wasm')
  if (!xnn) throw new Error('no FusedConv2D on wasm')
  const shapes: Shape[] = []
  for (const cout of [1, 2, 3, 4, 5, 6, 8])
    shapes.push({ name: 'lenet conv1', batch: 64, size: 28, cin: 1, cout, k: 5, pad: 'same' })
  for (const [cin, cout] of [
    [6, 16],
    [6, 8],
    [4, 8],
    [5, 6],
    [2, 8],
    [3, 8],
  ])
    shapes.push({ name: 'lenet conv2', batch: 64, size: 14, cin, cout, k: 5, pad: 'valid' })
  for (const [cin, cout] of [
    [3, 16],
    [16, 32],
    [8, 8],
  ])
    shapes.push({ name: 'yolo 3x3', batch: 32, size: 32, cin, cout, k: 3, pad: 'same' })
  for (const [size, cin, cout] of [
    [16, 32, 64],
    [8, 64, 128],
  ])
    shapes.push({ name: 'yolo 3x3', batch: 32, size, cin, cout, k: 3, pad: 'same' })
  /** Times `xnnpack()` against `direct()` (interleaved, CPU ms per call), after checking they agree. */
  const compare = (
    s: Shape,
    xnnpack: () => TensorInfo,
    direct: () => TensorInfo,
  ): ConvTiming => {
    const a = xnnpack()
    const d = direct()
    const av = backend.readSync(a.dataId) as Float32Array
    const dv = backend.readSync(d.dataId) as Float32Array
    let maxDiff = 0
    for (let i = 0; i < av.length; i++) maxDiff = Math.max(maxDiff, Math.abs(av[i] - dv[i]))
    backend.disposeData(a.dataId)
    backend.disposeData(d.dataId)
    const times: number[][] = [[], []]
    for (let r = 0; r < rounds + 10; r++) {
      for (const [i, f] of [xnnpack, direct].entries()) {
        const c = cpuUsage()
        const out = f()
        const u = cpuUsage(c)
        backend.disposeData(out.dataId)
        if (r >= 10) times[i].push((u.user + u.system) / 1000)
      }
    }
    const med = (t: number[]): number => t.sort((p, q) => p - q)[t.length >> 1]
    const [xnnMs, directMs] = times.map(med)
    console.log(
      `${s.name} ${s.batch}x${s.size}x${s.size}x${s.cin}→${s.cout} k${s.k}`.padEnd(34),
      xnnMs.toFixed(3).padStart(11),
      directMs.toFixed(3).padStart(10),
      (directMs / xnnMs).toFixed(2).padStart(7),
      maxDiff.toExponential(1).padStart(11),
    )
    return { ...s, xnnMs, directMs, maxDiff }
  }
  const header = (title: string): void =>
    console.log(
      title.padEnd(34),
      'xnnpack ms'.padStart(11),
      'direct ms'.padStart(10),
      'ratio'.padStart(7),
      'max |diff|'.padStart(11),
    )
  const conv2dInfo = (s: Shape): tf.backend_util.Conv2DInfo =>
    tf.backend_util.computeConv2DInfo(
      [s.batch, s.size, s.size, s.cin],
      [s.k, s.k, s.cin, s.cout],
      1,
      1,
      s.pad,
    )

  header('forward (FusedConv2D + relu)')
  const rows = shapes.map((s) => {
    const x = tf.randomNormal([s.batch, s.size, s.size, s.cin])
    const w = tf.randomNormal([s.k, s.k, s.cin, s.cout])
    const b = tf.randomNormal([s.cout])
    const attrs = {
      strides: [1, 1],
      pad: s.pad,
      dataFormat: 'NHWC',
      dilations: [1, 1],
      activation: 'relu',
    }
    const conv = conv2dInfo(s)
    const row = compare(
      s,
      () =>
        xnn({
          inputs: { x: info(x), filter: info(w), bias: info(b) },
          backend,
          attrs: attrs as never,
        }) as TensorInfo,
      () => directConv2d(backend, info(x), info(w), info(b), conv, 'relu'),
    )
    tf.dispose([x, w, b])
    return row
  })

  // The filter gradient (training): the XNNPACK composite against the direct kernel.
  header('filter gradient')
  const gradRows = shapes.map((s) => {
    const conv = conv2dInfo(s)
    const x = tf.randomNormal([s.batch, s.size, s.size, s.cin])
    const dy = tf.randomNormal([s.batch, conv.outHeight, conv.outWidth, s.cout])
    const attrs = {
      strides: [1, 1],
      pad: s.pad,
      dataFormat: 'NHWC',
      filterShape: [s.k, s.k, s.cin, s.cout],
    }
    const row = compare(
      s,
      () =>
        conv2dBackpropFilterComposite(backend as never, 'wasm', info(x), info(dy), attrs as never),
      () => directFilterGrad(backend, info(x), info(dy), conv) as TensorInfo,
    )
    tf.dispose([x, dy])
    return row
  })
  process.stdout.write(`${JSON.stringify({ rows, gradRows })}\n`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
