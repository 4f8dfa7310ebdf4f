/**
 * Latency of ResNet-8s of uniform widths against a parent's, as pruning runs time it
 * (`interleavedTimings`: same process, interleaved, median CPU time per batch of 64; folded
 * inference and the layers model's predict), with random weights: how much of a MACs cut a width
 * choice turns into a latency cut (ratio = latency cut / MACs cut) before any training.
 *
 * Usage: node --import tsx test/bench/resnet-widths-latency.ts PARENT WIDTHS... (e.g. 16-32-64 8-24-48)
 */
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { buildModel } from '../../src-main/engine/models/build-model'
import { modelStats } from '../../src-main/engine/models/layer-report'
import { interleavedTimings } from '../../src-main/engine/methods/prune-latency'
import { modelSpecSchema } from '../../src-shared/spec/schema'
const [parentW = '8-16-32', ...others] = process.argv.slice(2)

async function main(): Promise<void> {
  await selectBackend('wasm')
  const mk = (w: string): tf.LayersModel => buildModel(modelSpecSchema.parse({ arch: 'resnet', depth: 8, widths: w.split('-').map(Number) }), [28, 28, 1], 10, 0)
  const x = tf.randomNormal([64, 28, 28, 1])
  const p = mk(parentW)
  for (const w of others) {
    const m = mk(w)
    const t = await interleavedTimings([p, m], x, 30)
    const macs = modelStats(m).macs / modelStats(p).macs
    const fr = t.cpuMs[1] / t.cpuMs[0]
    const lr = t.layersCpuMs[1] / t.layersCpuMs[0]
    console.log(`${parentW} -> ${w}: MACs x${macs.toFixed(2)} cut ${(1 - macs).toFixed(2)} | folded ${t.cpuMs[0].toFixed(1)} -> ${t.cpuMs[1].toFixed(1)} cut ${(1 - fr).toFixed(2)} ratio ${((1 - fr) / (1 - macs)).toFixed(2)} | layers ${t.layersCpuMs[0].toFixed(1)} -> ${t.layersCpuMs[1].toFixed(1)} ratio ${((1 - lr) / (1 - macs)).toFixed(2)}`)
    m.dispose()
  }
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
