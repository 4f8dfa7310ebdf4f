/**
 * One benchmark measurement in its own process (a backend is process-wide, and this process is a
 * training worker whose peak RSS is what a run costs): training samples per second over one
 * epoch of mnist-10k's training split at batch 64 with Adam, through the lab's `trainModel`;
 * inference latency of a batch of 64; peak RSS; and the tensor count after each of two further
 * short epochs (it must not grow). Prints one JSON line.
 * Usage: tsx test/bench/train-throughput.ts <backend> <mlp-784-256-10|lenet5> [trainExamples] [wasmThreads]
 */
import * as tf from '@tensorflow/tfjs'
import { wasmThreadsInUse } from '../../src-main/engine/backend/backend-loaders'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import type { DataSplit } from '../../src-main/engine/data/dataset'
import { loadMnist10k } from '../../src-main/engine/data/mnist-10k'
import { buildModel } from '../../src-main/engine/models/build-model'
import { crossEntropyLoss } from '../../src-main/engine/train/cross-entropy'
import { trainModel } from '../../src-main/engine/train/train-model'
import { trainingSpecSchema, type ModelSpec } from '../../src-shared/spec/schema'

export interface ThroughputResult {
  backend: string
  model: string
  /** XNNPACK threads (wasm), else 1. */
  threads: number
  examples: number
  samplesPerSec: number
  /** Examples per second of this process's CPU time (user + system): steadier on a shared machine. */
  samplesPerCpuSec: number
  /** Median of 20 predictions of a batch of 64, read back. */
  latencyMs: number
  peakRssMb: number
  /** numTensors after each of two short epochs (equal when nothing leaks). */
  tensorsPerEpoch: number[]
}

const BENCH_MODELS: Record<string, ModelSpec> = {
  'mlp-784-256-10': { arch: 'mlp', hidden: [256], activation: 'relu', dropout: 0, inputDropout: 0 },
  lenet5: { arch: 'lenet5', filters: [6, 16], dense: [120, 84], dropout: 0 },
}

function firstExamples(split: DataSplit, n: number, features: number): DataSplit {
  return { ...split, n, x: split.x.subarray(0, n * features), y: split.y.subarray(0, n) }
}

async function main(): Promise<void> {
  const [backendName, modelName, limitArg, threadsArg] = process.argv.slice(2)
  const threads = threadsArg ? Number(threadsArg) : 1
  const backend = await selectBackend(backendName, { wasmThreads: threads })
  const spec = BENCH_MODELS[modelName]
  if (!spec) throw new Error(`unknown model ${modelName}`)
  const data = loadMnist10k({
    testFraction: 0.2,
    splitSeed: 0,
    trainLimit: limitArg ? Number(limitArg) : undefined,
  })
  const features = data.inputShape.reduce((a, b) => a * b, 1)
  const model = buildModel(spec, data.inputShape, data.numClasses, 0)
  const training = trainingSpecSchema.parse({ epochs: 1, batchSize: 64 })
  const common = { model, inputShape: data.inputShape, loss: crossEntropyLoss }
  // Warm-up on a few batches so that kernel set-up and allocation are not timed.
  await trainModel({
    ...common,
    train: firstExamples(data.train, 256, features),
    training,
    seed: 0,
  })
  const cpuBefore = process.cpuUsage()
  const result = await trainModel({ ...common, train: data.train, training, seed: 1 })
  const cpuUsed = process.cpuUsage(cpuBefore)
  const tensorsPerEpoch: number[] = []
  await trainModel({
    ...common,
    train: firstExamples(data.train, Math.min(512, data.train.n), features),
    training: { ...training, epochs: 2 },
    seed: 2,
    onEpochEnd: () => {
      tensorsPerEpoch.push(tf.memory().numTensors)
    },
  })
  const x = tf.tensor(data.test.x.subarray(0, 64 * features), [64, ...data.inputShape])
  const times: number[] = []
  for (let i = 0; i < 23; i++) {
    const t = performance.now()
    const y = model.predict(x) as tf.Tensor
    await y.data()
    y.dispose()
    if (i >= 3) times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  const out: ThroughputResult = {
    backend,
    model: modelName,
    threads: backend === 'wasm' ? (wasmThreadsInUse() ?? 1) : 1,
    examples: data.train.n,
    samplesPerSec: data.train.n / result.seconds,
    samplesPerCpuSec: data.train.n / ((cpuUsed.user + cpuUsed.system) / 1e6),
    latencyMs: times[Math.floor(times.length / 2)],
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    tensorsPerEpoch,
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`)
  process.exit(1)
})
