/**
 * How well each importance criterion ranks units against the oracle — the measure of Molchanov et
 * al. 2017, Table 1 (Spearman's rank correlation with the oracle ranking; VGG-16 on Birds-200:
 * Taylor 0.73, weight magnitude 0.27). The oracle importance of unit i is |ΔC| = |C(D, h_i = 0) −
 * C(D)| (eq. (3)): the change of the mean cross-entropy on D when that unit alone is removed
 * (physically, by surgery), without fine-tuning. Criteria are computed on the same D. Correlations
 * are per layer (ranking within a layer is what the layer-wise normalised criteria decide), then
 * averaged over the layers, then over the models given.
 *
 * Usage: node --import tsx test/bench/criteria-oracle.ts <model.json> [more model.json…]
 *          [--examples 2000] [--layers conv|all]
 * The models are trained LeNet-style parents for mnist-10k (e.g. the parent runs' model artifacts
 * of resources/examples/prune-lenet-mnist.json: `complab runs show <id>` lists them).
 */
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { featureSize, takeExamples } from '../../src-main/engine/data/dataset'
import { loadMnist10k } from '../../src-main/engine/data/mnist-10k'
import { removeUnits } from '../../src-main/engine/prune/surgery'
import { loadModel } from '../../src-main/engine/models/model-files'
import { createImportanceScorer } from '../../src-main/engine/prune/importance/registry'
import type { Batch } from '../../src-main/engine/prune/importance/types'
import { analyzeStructure } from '../../src-main/engine/prune/structure'
import { crossEntropy } from '../../src-main/engine/train/cross-entropy'

const CRITERIA = ['taylor', 'mean-activation', 'apoz', 'l1', 'l2', 'random'] as const

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : fallback
}

/** Ranks (1-based, ties share their average rank). */
function ranks(values: ArrayLike<number>): number[] {
  const order = Array.from(values, (v, i) => [v, i] as const).sort((a, b) => a[0] - b[0])
  const r = new Array<number>(order.length)
  for (let i = 0; i < order.length; ) {
    let j = i
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1
    i = j + 1
  }
  return r
}

/** Spearman's rank correlation (Pearson correlation of the ranks). */
function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a)
  const rb = ranks(b)
  const n = ra.length
  const ma = ra.reduce((s, v) => s + v, 0) / n
  const mb = rb.reduce((s, v) => s + v, 0) / n
  let num = 0
  let da = 0
  let db = 0
  for (let i = 0; i < n; i++) {
    num += (ra[i] - ma) * (rb[i] - mb)
    da += (ra[i] - ma) ** 2
    db += (rb[i] - mb) ** 2
  }
  return da === 0 || db === 0 ? 0 : num / Math.sqrt(da * db)
}

async function meanLoss(model: tf.LayersModel, batches: Batch[]): Promise<number> {
  let sum = 0
  let n = 0
  for (const { xs, ys } of batches) {
    const loss = tf.tidy(() => crossEntropy(model.apply(xs, { training: false }) as tf.Tensor2D, ys as tf.Tensor1D))
    sum += (await loss.data())[0] * xs.shape[0]
    n += xs.shape[0]
    loss.dispose()
  }
  return sum / n
}

async function main(): Promise<void> {
  await selectBackend(option('backend', 'wasm'))
  const paths = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'))
  if (paths.length === 0) throw new Error('give at least one model.json')
  const examples = Number(option('examples', '2000'))
  const which = option('layers', 'conv')
  const data = loadMnist10k({ testFraction: 0.2, splitSeed: 0 })
  const part = takeExamples(data.train, Int32Array.from({ length: Math.min(examples, data.train.n) }, (_, i) => i), featureSize(data.inputShape))
  const batches: Batch[] = []
  for (let s = 0; s < part.n; s += 250) {
    const e = Math.min(part.n, s + 250)
    batches.push({
      xs: tf.tensor(part.x.subarray(s * 784, e * 784), [e - s, ...data.inputShape]),
      ys: tf.tensor1d(part.y.subarray(s, e), 'int32'),
    })
  }
  const perCriterion = new Map<string, number[]>(CRITERIA.map((c) => [c, []]))
  for (const path of paths) {
    const model = await loadModel(path)
    const structure = analyzeStructure(model)
    const layers = structure.prunable.filter((p) => which === 'all' || p.className === 'Conv2D')
    const base = await meanLoss(model, batches)
    const oracle = new Map<string, Float64Array>()
    for (const layer of layers) {
      const values = new Float64Array(layer.units)
      for (let u = 0; u < layer.units; u++) {
        const pruned = await removeUnits(model, { [layer.name]: [u] }, structure)
        values[u] = Math.abs((await meanLoss(pruned, batches)) - base) // Molchanov eq. (3)
        pruned.dispose()
      }
      oracle.set(layer.name, values)
    }
    const line: string[] = []
    for (const criterion of CRITERIA) {
      const scores = await createImportanceScorer(criterion).score({
        model,
        structure,
        layers: layers.map((l) => l.name),
        data: () => batches,
        loss: (yTrue, yPred) => crossEntropy(yPred as tf.Tensor2D, yTrue as tf.Tensor1D),
        seed: 0,
      })
      // Every scorer returns "higher = more important" (APoZ as 1 − APoZ), the oracle too.
      const rhos = layers.map((l) => spearman(scores.get(l.name) as Float32Array, oracle.get(l.name) as Float64Array))
      const mean = rhos.reduce((a, b) => a + b, 0) / rhos.length
      ;(perCriterion.get(criterion) as number[]).push(mean)
      line.push(`${criterion} ${mean.toFixed(3)} [${rhos.map((r) => r.toFixed(2)).join(', ')}]`)
    }
    console.log(`${path}: base loss ${base.toFixed(4)}; ${layers.map((l) => `${l.name} (${l.units})`).join(', ')}`)
    console.log(`  ${line.join('; ')}`)
    model.dispose()
  }
  const summary = Object.fromEntries(
    [...perCriterion].map(([c, xs]) => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1))
      return [c, { mean: m, sd }]
    }),
  )
  console.log('criterion'.padEnd(16), 'Spearman vs oracle (mean ± s.d. over models)')
  for (const [c, { mean, sd }] of Object.entries(summary)) console.log(c.padEnd(16), `${mean.toFixed(3)} ± ${sd.toFixed(3)}`)
  process.stdout.write(JSON.stringify({ examples: part.n, layers: which, models: paths.length, spearman: summary }) + '\n')
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`)
  process.exit(1)
})
