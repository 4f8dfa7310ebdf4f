/**
 * Where the CPU time of inference goes on wasm (a batch of 64, folded inference as the lab times
 * `latency.cpu.ms`; LAYERS=1: the layers model's predict): every wasm kernel wrapped to add up the
 * CPU time of its top-level calls, by kernel and input/filter shape, for ResNet-8s of several widths.
 * Usage: [LAYERS=1] node --import tsx test/bench/inference-profile.ts [rounds=30] [widths=8-16-32,6-12-24,8-8-16]
 */
import * as tf from '@tensorflow/tfjs'
import { cpuUsage } from 'node:process'
import { timeWasmKernels } from './kernel-timer'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { foldedInference } from '../../src-main/engine/measure/folded-inference'
import { buildModel } from '../../src-main/engine/models/build-model'
import { modelStats } from '../../src-main/engine/models/layer-report'
import { modelSpecSchema } from '../../src-shared/spec/schema'

const [roundsArg = '30', widthsArg = '8-16-32,6-12-24,8-8-16'] = process.argv.slice(2)

async function main(): Promise<void> {
  await selectBackend('wasm')
  const { spent, clear } = timeWasmKernels((name, args) => {
    if (name !== 'FusedConv2D' && name !== 'FusedBatchNorm') return name
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter?: tf.TensorInfo }
    return `${name} ${x.shape.slice(1).join('x')}${filter ? ` f${filter.shape.join('x')} s${String(args.attrs?.strides)}` : ''}`
  })
  const x = tf.randomNormal([64, 28, 28, 1])
  const rounds = Number(roundsArg)
  for (const w of widthsArg.split(',')) {
    const widths = w.split('-').map(Number)
    const model = buildModel(modelSpecSchema.parse({ arch: 'resnet', depth: 8, widths }), [28, 28, 1], 10, 0)
    const folded = await foldedInference(model)
    const run = (): void => {
      const y = process.env.LAYERS ? (model.predict(x, { batchSize: 64 }) as tf.Tensor) : folded.predict(x)
      y.dataSync()
      y.dispose()
    }
    for (let i = 0; i < 5; i++) run()
    clear()
    const c = cpuUsage()
    for (let i = 0; i < rounds; i++) run()
    const u = cpuUsage(c)
    const total = (u.user + u.system) / 1000 / rounds
    const rows = [...spent].map(([name, ms]) => ({ name, ms: ms / rounds }))
    console.log(`resnet8 ${w}: ${(modelStats(model).macs / 1e6).toFixed(2)} M MACs, ${total.toFixed(2)} ms CPU per batch of 64`)
    for (const r of rows.filter((r) => r.ms >= 0.05)) console.log(`  ${r.name.padEnd(50)} ${r.ms.toFixed(2).padStart(6)} ms`)
    model.dispose()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
