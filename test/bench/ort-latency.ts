/**
 * Latency where the model will run (issue 19 item 4 and its "Done when"): LeNet-5 as the float
 * parent, pruned (two thirds of every prunable layer's units removed, lowest weight L1 norm first),
 * and the pruned model quantized to int8 — weights only, and with calibrated static activations
 * (ONNX Runtime speeds int8 up only with quantized activations) — each exported to ONNX and timed
 * by ONNX Runtime's CPU execution provider at batch 1 and 64, with 1 thread and all cores, beside
 * TF.js wasm's latency of the parent and the pruned model. Everything in one process, interleaved
 * (`ortLatencies`, `interleavedTimings`: the lab's own timing), medians; each figure is also given
 * as a ratio to the float parent measured in the same run and configuration (ONNX Runtime rows to
 * the parent on ONNX Runtime, TF.js rows to the parent on TF.js), which is what compares across
 * machines.
 *
 * Prints a table and, as the last line, JSON.
 *
 *   node --import tsx test/bench/ort-latency.ts [rounds=20]
 */
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { loadMnist10k } from '../../src-main/engine/data/mnist-10k'
import { exportOnnx } from '../../src-main/engine/export/onnx/export-onnx'
import { ORT_LATENCY_CONFIGS, ortLatencies } from '../../src-main/engine/measure/ort-latency'
import { interleavedTimings } from '../../src-main/engine/methods/prune-latency'
import { buildModel } from '../../src-main/engine/models/build-model'
import { modelStats } from '../../src-main/engine/models/layer-report'
import { l1NormImportance } from '../../src-main/engine/prune/importance/l1-norm'
import { analyzeStructure } from '../../src-main/engine/prune/structure'
import { removeUnits } from '../../src-main/engine/prune/surgery'
import { activationPoints, calibrateActivations } from '../../src-main/engine/quantize/calibrate'
import { quantizeModelWeights } from '../../src-main/engine/quantize/quantize-model'
import { modelSpecSchema } from '../../src-shared/spec/schema'

const rounds = Number(process.argv[2] ?? '20')

export interface OrtLatencyRow {
  /** `float parent`, `pruned`, `pruned + int8 weights`, `pruned + int8 static`. */
  model: string
  /** `onnxruntime` or the TF.js backend. */
  runtime: string
  batch: number
  /** Intra-op threads (0: all cores). */
  threads: number
  ms: number
  /** ms / the float parent's ms on the same runtime, batch and threads, in this run. */
  vsParent: number
}

/** Removes `fraction` of every prunable layer's units, lowest L1 norm first. */
async function pruneEveryLayer(model: tf.LayersModel, fraction: number): Promise<tf.LayersModel> {
  const structure = analyzeStructure(model)
  const layers = structure.prunable.map((p) => p.name)
  const scores = await l1NormImportance().score({ model, structure, layers })
  const plan: Record<string, number[]> = {}
  for (const p of structure.prunable) {
    const s = scores.get(p.name)
    if (!s) continue
    plan[p.name] = Array.from(s, (v, i) => [v, i])
      .sort((a, b) => a[0] - b[0])
      .slice(0, Math.floor(p.units * fraction))
      .map((x) => x[1])
  }
  return removeUnits(model, plan, structure)
}

async function main(): Promise<void> {
  const backend = await selectBackend('wasm')
  const data = loadMnist10k({ testFraction: 0.2, splitSeed: 0 })
  const parent = buildModel(modelSpecSchema.parse({ arch: 'lenet5' }), data.inputShape, data.numClasses, 0)
  const pruned = await pruneEveryLayer(parent, 2 / 3)
  const x64 = data.test.x.subarray(0, 64 * 784)
  const models: Record<string, Uint8Array> = {
    'float parent': (await exportOnnx(parent)).bytes,
    pruned: (await exportOnnx(pruned)).bytes,
  }
  const rows: OrtLatencyRow[] = []
  // TF.js first, while the pruned model still holds float weights (quantizing changes them in place).
  for (const batch of [1, 64]) {
    const x = tf.tensor(data.test.x.subarray(0, batch * 784), [batch, ...data.inputShape])
    const t = await interleavedTimings([parent, pruned], x, rounds, 5)
    x.dispose()
    rows.push({ model: 'float parent', runtime: `tfjs ${backend}`, batch, threads: 1, ms: t.wallMs[0], vsParent: 1 })
    rows.push({ model: 'pruned', runtime: `tfjs ${backend}`, batch, threads: 1, ms: t.wallMs[1], vsParent: t.wallMs[1] / t.wallMs[0] })
  }
  const calibration = tf.tensor(data.train.x.subarray(0, 256 * 784), [256, ...data.inputShape])
  const activations = await calibrateActivations(pruned, calibration, activationPoints(pruned), { method: 'minmax' })
  calibration.dispose()
  const kernels = await quantizeModelWeights(pruned, 'int8')
  models['pruned + int8 weights'] = (await exportOnnx(pruned, { kernels })).bytes
  models['pruned + int8 static'] = (await exportOnnx(pruned, { kernels, activations })).bytes

  const names = Object.keys(models)
  const timed = await ortLatencies(Object.values(models), x64, data.inputShape, rounds, 5)
  for (const c of ORT_LATENCY_CONFIGS) {
    const key = `ort.latency.${c.key}.ms`
    names.forEach((model, i) => rows.push({ model, runtime: 'onnxruntime', batch: c.batch, threads: c.threads, ms: timed[i][key], vsParent: timed[i][key] / timed[0][key] }))
  }

  const widths = (m: tf.LayersModel): string =>
    modelStats(m)
      .layers.filter((l) => l.kind === 'conv2d' || l.kind === 'dense')
      .map((l) => l.units)
      .join('-')
  console.log(`LeNet-5 ${widths(parent)} → pruned ${widths(pruned)} (${modelStats(pruned).params} of ${modelStats(parent).params} params); median of ${rounds} interleaved timings`)
  console.log('model'.padEnd(24), 'runtime'.padEnd(12), 'batch'.padStart(5), 'threads'.padStart(8), 'ms'.padStart(9), '× parent'.padStart(9))
  for (const r of rows)
    console.log(r.model.padEnd(24), r.runtime.padEnd(12), String(r.batch).padStart(5), (r.threads === 0 ? 'all' : String(r.threads)).padStart(8), r.ms.toFixed(3).padStart(9), r.vsParent.toFixed(3).padStart(9))
  const prunedWidths = widths(pruned)
  parent.dispose()
  pruned.dispose()
  process.stdout.write(JSON.stringify({ backend, model: 'lenet5', rounds, prunedWidths, rows }) + '\n')
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`)
  process.exit(1)
})
