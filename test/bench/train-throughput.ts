/**
 * One benchmark measurement in its own process (a backend is process-wide): training samples per
 * second on mnist-10k at batch 64 with Adam, inference latency of a batch of 64, peak RSS.
 * Usage: tsx test/bench/train-throughput.ts <backend> <mlp|lenet5> [trainExamples]
 */
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { loadMnist10k } from '../../src-main/engine/data/mnist-10k'
import { buildModel } from '../../src-main/engine/models/build-model'
import { crossEntropyLoss } from '../../src-main/engine/train/cross-entropy'
import { trainModel } from '../../src-main/engine/train/train-model'
import { trainingSpecSchema, type ModelSpec } from '../../src-shared/spec/schema'

const [backendName, modelName, limitArg] = process.argv.slice(2)
const models: Record<string, ModelSpec> = {
  'mlp-784-256-10': { arch: 'mlp', hidden: [256], activation: 'relu', dropout: 0, inputDropout: 0 },
  lenet5: { arch: 'lenet5', filters: [6, 16], dense: [120, 84], dropout: 0 },
}

async function main(): Promise<void> {
  const backend = await selectBackend(backendName)
  const spec = models[modelName]
  if (!spec) throw new Error(`unknown model ${modelName}`)
  const data = loadMnist10k({ testFraction: 0.2, splitSeed: 0, trainLimit: limitArg ? Number(limitArg) : undefined })
  const model = buildModel(spec, data.inputShape, data.numClasses, 0)
  const training = trainingSpecSchema.parse({ epochs: 1, batchSize: 64 })
  // Warm-up epoch on a few batches so kernel compilation and allocation are not timed.
  const warm = { ...data.train, n: 256, x: data.train.x.subarray(0, 256 * 784), y: data.train.y.subarray(0, 256) }
  await trainModel({ model, train: warm, inputShape: data.inputShape, training, seed: 0, loss: crossEntropyLoss })
  const tensorsBefore = tf.memory().numTensors
  const result = await trainModel({ model, train: data.train, inputShape: data.inputShape, training, seed: 1, loss: crossEntropyLoss })
  const tensorsAfter = tf.memory().numTensors
  const x = tf.tensor(data.test.x.subarray(0, 64 * 784), [64, ...data.inputShape])
  const times: number[] = []
  for (let i = 0; i < 23; i++) {
    const t = performance.now()
    const y = model.predict(x) as tf.Tensor
    await y.data()
    y.dispose()
    if (i >= 3) times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  process.stdout.write(
    JSON.stringify({
      backend,
      model: modelName,
      examples: data.train.n,
      samplesPerSec: data.train.n / result.seconds,
      latencyMs: times[Math.floor(times.length / 2)],
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      tensorGrowth: tensorsAfter - tensorsBefore,
    }) + '\n',
  )
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`)
  process.exit(1)
})
