/**
 * The imported-model experiment of docs/results.md (issue 16): a Keras-style residual model
 * (test/helpers/keras-residual.ts) is written as a user's TF.js layers `model.json`, trained and
 * pruned by the lab from it, and the pruned model, exported by `complab export-model --format
 * tfjs`, is loaded back by plain TF.js (`tf.loadLayersModel` on the files' bytes, none of the
 * lab's code) and scored on the same mnist-10k test split as the run.
 *
 * Usage:
 *   node --import tsx test/bench/imported-model.ts build <dir> [seed=0]
 *       writes the untrained model as <dir>/model.json + weights.bin
 *   node --import tsx test/bench/imported-model.ts check <model.json> [testFraction=0.2] [splitSeed=0]
 *       prints, as one JSON line, the reloaded model's test accuracy and errors, its parameter
 *       count, and the largest logit difference against the lab's own loader
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { loadMnist10k } from '../../src-main/engine/data/mnist-10k'
import { loadModel, saveModel } from '../../src-main/engine/models/model-files'
import { kerasResidualNet } from '../helpers/keras-residual'

/** The model in `modelJson` loaded by plain TF.js from the bytes of its files. */
async function loadPlain(modelJson: string): Promise<tf.LayersModel> {
  const files = JSON.parse(readFileSync(modelJson, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] }
  const weightSpecs = files.weightsManifest.flatMap((g) => g.weights)
  const parts = files.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(join(dirname(modelJson), p)))))
  const weightData = new Uint8Array(parts.reduce((a, p) => a + p.length, 0))
  parts.reduce((at, p) => (weightData.set(p, at), at + p.length), 0)
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: files.modelTopology, weightSpecs, weightData: weightData.buffer }))
}

async function check(modelJson: string, testFraction: number, splitSeed: number): Promise<void> {
  const data = loadMnist10k({ testFraction, splitSeed })
  const plain = await loadPlain(modelJson)
  const lab = await loadModel(modelJson)
  const n = data.test.n
  const x = tf.tensor4d(data.test.x, [n, 28, 28, 1])
  const plainLogits = plain.predict(x, { batchSize: 250 }) as tf.Tensor
  const labLogits = lab.predict(x, { batchSize: 250 }) as tf.Tensor
  const predicted = await plainLogits.argMax(-1).data()
  const diff = (await tf.max(tf.abs(tf.sub(plainLogits, labLogits))).data())[0]
  let errors = 0
  for (let i = 0; i < n; i++) if (predicted[i] !== data.test.y[i]) errors++
  console.log(JSON.stringify({ model: modelJson, examples: n, errors, accuracy: 1 - errors / n, params: plain.countParams(), maxLogitDiffVsLab: diff }))
}

const [command, path, a, b] = process.argv.slice(2)
await selectBackend('wasm')
if (command === 'build' && path) {
  const model = kerasResidualNet(Number(a ?? 0))
  await saveModel(model, path)
  console.log(`${join(path, 'model.json')}: ${model.countParams()} parameters, ${model.layers.length} layers`)
} else if (command === 'check' && path) {
  await check(path, Number(a ?? 0.2), Number(b ?? 0))
} else {
  console.error('usage: imported-model.ts build <dir> [seed] | check <model.json> [testFraction] [splitSeed]')
  process.exitCode = 2
}
