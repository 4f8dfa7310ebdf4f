/**
 * Where the CPU time of a training step (LeNet-5 by default) goes on the wasm backend: every registered wasm
 * kernel is wrapped to add up the CPU time (user + system) of its top-level calls (a composite's
 * inner kernel calls count toward the composite), over 40 steps of batch 64 with the lab's Adam after 10 of
 * warm-up; the rest of the step is the TF.js engine itself (tape, tidy, bookkeeping) and the JS
 * of the lab's loop.
 *
 * Usage: node --import tsx test/bench/kernel-profile.ts [lenet5|mlp|resnet8|mobilenetv2] [steps=40]
 * (resnet8 and mobilenetv2 are the models of resnet-prune-mnist.json and mobilenetv2-prune-mnist.json)
 */
import * as tf from '@tensorflow/tfjs'
import { cpuUsage } from 'node:process'
import { timeWasmKernels } from './kernel-timer'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { buildModel } from '../../src-main/engine/models/build-model'
import { makeOptimizer } from '../../src-main/engine/train/optimizer'
import { modelSpecSchema } from '../../src-shared/spec/schema'

const [arch = 'lenet5', stepsArg = '40'] = process.argv.slice(2)

async function main(): Promise<void> {
  await selectBackend('wasm')
  const { spent, calls, clear } = timeWasmKernels()
  const specs: Record<string, Record<string, unknown>> = {
    mlp: { arch: 'mlp', hidden: [256] },
    lenet5: { arch: 'lenet5' },
    resnet8: { arch: 'resnet', depth: 8, widths: [8, 16, 32] },
    mobilenetv2: { arch: 'mobilenetv2', widthMultiplier: 0.25, expansion: 3, lastChannels: 128 },
  }
  const spec = specs[arch] ?? specs.lenet5
  const model = buildModel(modelSpecSchema.parse(spec), [28, 28, 1], 10, 0)
  const optimizer = makeOptimizer({ optimizer: 'adam', learningRate: 1e-3, momentum: 0.9 }) // the lab's multi-tensor Adam
  const x = tf.randomNormal([64, 28, 28, 1])
  const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32') as tf.Tensor1D, 10)
  const step = (): void => {
    const loss = optimizer.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(x, { training: true }) as tf.Tensor,
        ) as tf.Scalar,
      true,
    )
    loss?.dataSync()
    loss?.dispose()
  }
  for (let i = 0; i < 10; i++) step()
  clear()
  const steps = Number(stepsArg)
  const c = cpuUsage()
  for (let i = 0; i < steps; i++) step()
  const u = cpuUsage(c)
  const total = (u.user + u.system) / 1000 / steps
  const rows = [...spent].map(([name, ms]) => ({
    name,
    ms: ms / steps,
    calls: (calls.get(name) ?? 0) / steps,
  }))
  rows.sort((a, b) => b.ms - a.ms)
  const inKernels = rows.reduce((a, r) => a + r.ms, 0)
  console.log(
    `${arch} training step on wasm, batch 64, Adam: ${total.toFixed(2)} ms CPU per step (mean of ${steps})`,
  )
  for (const r of rows.filter((r) => r.ms >= 0.05))
    console.log(
      `  ${r.name.padEnd(26)} ${r.ms.toFixed(2).padStart(6)} ms  ${r.calls.toFixed(1).padStart(5)} calls`,
    )
  console.log(
    `  ${'other kernels'.padEnd(26)} ${rows
      .filter((r) => r.ms < 0.05)
      .reduce((a, r) => a + r.ms, 0)
      .toFixed(2)
      .padStart(6)} ms`,
  )
  console.log(`  ${'outside kernels'.padEnd(26)} ${(total - inKernels).toFixed(2).padStart(6)} ms`)
  process.stdout.write(`${JSON.stringify({ arch, steps, totalMs: total, kernels: rows })}\n`)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
