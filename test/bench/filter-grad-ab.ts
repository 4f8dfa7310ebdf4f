/**
 * Same-process A/B of the wasm filter gradient inside LeNet-5 training steps (batch 64, Adam): the
 * XNNPACK composite and the lab's kernel (direct SIMD where `prefersDirectFilterGrad`, else the
 * composite) swapped in and out of the kernel registry between groups of 10 steps, 16 groups;
 * prints the median CPU time of each Conv2DBackpropFilter call by input shape and per step.
 *
 * Usage: node --import tsx test/bench/filter-grad-ab.ts
 */
import * as tf from '@tensorflow/tfjs'
import { cpuUsage } from 'node:process'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { buildModel } from '../../src-main/engine/models/build-model'
import { modelSpecSchema } from '../../src-shared/spec/schema'
import {
  conv2dBackpropFilterComposite,
  wasmConv2dBackpropFilterConfig,
} from '../../src-main/engine/kernels/conv2d-backprop-filter'
async function main() {
  await selectBackend('wasm')
  const composite: tf.KernelConfig = {
    ...wasmConv2dBackpropFilterConfig,
    kernelFunc: ({ inputs, backend, attrs }) =>
      conv2dBackpropFilterComposite(
        backend as never,
        'wasm',
        (inputs as never as Record<string, tf.TensorInfo>).x,
        (inputs as never as Record<string, tf.TensorInfo>).dy,
        attrs as never,
      ),
  }
  const timed = (name: string, c: tf.KernelConfig): tf.KernelConfig => ({
    ...c,
    kernelFunc: (a) => {
      const u0 = cpuUsage()
      const out = c.kernelFunc(a)
      const u = cpuUsage(u0)
      const key =
        name + ' ' + JSON.stringify((a.inputs as never as Record<string, tf.TensorInfo>).x.shape)
      ;(per[key] ??= []).push((u.user + u.system) / 1000)
      return out
    },
  })
  const per: Record<string, number[]> = {}
  const use = (c: tf.KernelConfig) => {
    tf.unregisterKernel('Conv2DBackpropFilter', 'wasm')
    tf.registerKernel(c)
  }
  const model = buildModel(modelSpecSchema.parse({ arch: 'lenet5' }), [28, 28, 1], 10, 0)
  const opt = tf.train.adam(1e-3)
  const x = tf.randomNormal([64, 28, 28, 1])
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32') as tf.Tensor1D, 10)
  const step = () => {
    const l = opt.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(x, { training: true }) as tf.Tensor,
        ) as tf.Scalar,
      true,
    )
    l?.dataSync()
    l?.dispose()
  }
  for (let i = 0; i < 10; i++) step()
  const t: Record<string, number[]> = { composite: [], direct: [] }
  for (let g = 0; g < 16; g++)
    for (const [name, c] of [
      ['composite', timed('composite', composite)],
      ['direct', timed('direct', wasmConv2dBackpropFilterConfig)],
    ] as const) {
      use(c)
      step()
      const u0 = cpuUsage()
      for (let i = 0; i < 10; i++) step()
      const u = cpuUsage(u0)
      t[name].push((u.user + u.system) / 1000 / 10)
    }
  const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1]
  for (const [k, v] of Object.entries(per)) console.log(k, med(v).toFixed(3), v.length)
  console.log(
    'CPU ms per LeNet-5 step: composite',
    med(t.composite).toFixed(2),
    'direct',
    med(t.direct).toFixed(2),
  )
}
main()
