/**
 * Pruned-model latency (issue 3, item 9): LeNet-5 (6, 16, 120, 84) with conv filters removed until
 * its MACs are at most half the unpruned model's, against the unpruned model, timed in ONE process,
 * interleaved round by round (so load changes hit both alike), median of many timings after
 * warm-up, per batch size; wall-clock and CPU time (user + system; steadier on a shared machine)
 * of the folded inference as pruning runs time it (`interleavedTimings`), and the CPU-time ratio
 * of the layers model's `predict`.
 * Two ways to choose the filters:
 *  - `l1`: weight L1 norm (Li et al. 2017), one filter at a time over both conv layers, ranked
 *    globally after the layer-wise L2 normalisation (what a `prune` run with target.macs 0.5 and
 *    method.layers = the conv layers does, without the fine-tuning);
 *  - `tile`: conv2 cut to 8 filters and conv1 to the most filters that still halve the MACs (what
 *    `prune` with roundTo {conv1: 4, conv2: 8} reaches). The wasm backend's convolution (XNNPACK)
 *    computes output channels in tiles of 8, so 9–16 conv2 filters cost the same as 16; conv1 (one
 *    input channel) runs on the lab's direct kernel (engine/kernels/conv-forward.ts), whose cost
 *    follows the filter count.
 * Prints a table and, as the last line, JSON with `latencyRatio` = pruned / unpruned median wall
 * time at batch 64 for the `l1` choice and `latencyRatioAligned` for the `tile` one (lower is
 * better; the target is ≤ 0.65).
 *
 * Usage: node --import tsx test/bench/pruned-latency.ts [backend=wasm] [rounds=200] [batches=1,64,256]
 */
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../src-main/engine/backend/select-backend'
import { loadMnist10k } from '../../src-main/engine/data/mnist-10k'
import { interleavedTimings } from '../../src-main/engine/methods/prune-latency'
import { removeUnits } from '../../src-main/engine/prune/surgery'
import { buildModel } from '../../src-main/engine/models/build-model'
import { modelStats } from '../../src-main/engine/models/layer-report'
import { l1NormImportance } from '../../src-main/engine/prune/importance/l1-norm'
import { selectGlobal } from '../../src-main/engine/prune/select'
import { analyzeStructure } from '../../src-main/engine/prune/structure'
import { modelSpecSchema } from '../../src-shared/spec/schema'

const [backendArg = 'wasm', roundsArg = '200', batchesArg = '1,64,256'] = process.argv.slice(2)

/** Removes conv filters (lowest L1 norm, globally ranked) one at a time until MACs ≤ fraction. */
async function pruneConvToMacs(model: tf.LayersModel, fraction: number): Promise<tf.LayersModel> {
  const target = fraction * modelStats(model).macs
  let current = model
  const scorer = l1NormImportance()
  while (modelStats(current).macs > target) {
    const structure = analyzeStructure(current)
    const layers = structure.prunable.filter((p) => p.className === 'Conv2D').map((p) => p.name)
    const plan = selectGlobal(await scorer.score({ model: current, structure, layers }), { count: 1 })
    if (Object.keys(plan).length === 0) throw new Error('no conv filter left to remove')
    const next = await removeUnits(current, plan, structure)
    if (current !== model) current.dispose()
    current = next
  }
  return current
}

/**
 * conv2 down to one XNNPACK tile (8 filters), then conv1 down, lowest L1 norm first, until the MACs
 * are at most `fraction` of the unpruned model's.
 */
async function pruneConvToTile(model: tf.LayersModel, fraction: number): Promise<tf.LayersModel> {
  const target = fraction * modelStats(model).macs
  const scorer = l1NormImportance()
  const structure = analyzeStructure(model)
  const [conv1, conv2] = structure.prunable.filter((p) => p.className === 'Conv2D')
  const scores = await scorer.score({ model, structure, layers: [conv1.name, conv2.name] })
  const lowest = (name: string, k: number): number[] =>
    Array.from(scores.get(name) as Float32Array, (v, i) => [v, i])
      .sort((p, q) => p[0] - q[0])
      .slice(0, k)
      .map((p) => p[1])
  for (let k1 = 0; k1 < conv1.units; k1++) {
    const candidate = await removeUnits(
      model,
      { [conv2.name]: lowest(conv2.name, Math.max(0, conv2.units - 8)), ...(k1 > 0 ? { [conv1.name]: lowest(conv1.name, k1) } : {}) },
      structure,
    )
    if (modelStats(candidate).macs <= target) return candidate
    candidate.dispose()
  }
  throw new Error('cannot halve the MACs this way')
}

interface LatencyRow {
  choice: string
  widths: string
  macsRatio: number
  paramsRatio: number
  batch: number
  unprunedMs: number
  prunedMs: number
  ratio: number
  cpuRatio: number
  /** CPU-time ratio of the layers model's `predict` (not folded), timed in the same rounds. */
  layersCpuRatio: number
}

async function main(): Promise<void> {
  const backend = await selectBackend(backendArg)
  const rounds = Number(roundsArg)
  const batches = batchesArg.split(',').map(Number)
  const data = loadMnist10k({ testFraction: 0.2, splitSeed: 0 })
  const spec = modelSpecSchema.parse({ arch: 'lenet5' })
  const full = buildModel(spec, data.inputShape, data.numClasses, 0)
  const variants: Record<string, tf.LayersModel> = {
    l1: await pruneConvToMacs(full, 0.5),
    tile: await pruneConvToTile(full, 0.5),
  }
  const a = modelStats(full)
  const widths = (m: tf.LayersModel): string =>
    modelStats(m)
      .layers.filter((l) => l.kind === 'conv2d' || l.kind === 'dense')
      .map((l) => l.units)
      .join('-')
  console.log(`LeNet-5 ${widths(full)}: ${a.macs} MACs, ${a.params} params; ${backend}; median of ${rounds} interleaved timings`)
  console.log(
    'choice'.padEnd(7),
    'widths'.padEnd(16),
    'MACs'.padStart(7),
    'batch'.padStart(6),
    'unpruned ms'.padStart(12),
    'pruned ms'.padStart(10),
    'ratio'.padStart(6),
    'cut'.padStart(7),
    'CPU ratio'.padStart(10),
    'predict CPU ratio'.padStart(18),
  )
  const rows: LatencyRow[] = []
  for (const [choice, pruned] of Object.entries(variants)) {
    const b = modelStats(pruned)
    for (const batch of batches) {
      const x = tf.tensor(data.test.x.subarray(0, batch * 784), [batch, ...data.inputShape])
      const t = await interleavedTimings([full, pruned], x, rounds, 10)
      x.dispose()
      const [unprunedMs, prunedMs] = t.wallMs
      const row: LatencyRow = {
        choice,
        widths: widths(pruned),
        macsRatio: b.macs / a.macs,
        paramsRatio: b.params / a.params,
        batch,
        unprunedMs,
        prunedMs,
        ratio: prunedMs / unprunedMs,
        cpuRatio: t.cpuMs[1] / t.cpuMs[0],
        layersCpuRatio: t.layersCpuMs[1] / t.layersCpuMs[0],
      }
      rows.push(row)
      console.log(
        choice.padEnd(7),
        row.widths.padEnd(16),
        `${(row.macsRatio * 100).toFixed(1)} %`.padStart(7),
        String(batch).padStart(6),
        unprunedMs.toFixed(3).padStart(12),
        prunedMs.toFixed(3).padStart(10),
        row.ratio.toFixed(3).padStart(6),
        `${((1 - row.ratio) * 100).toFixed(1)} %`.padStart(7),
        row.cpuRatio.toFixed(3).padStart(10),
        row.layersCpuRatio.toFixed(3).padStart(18),
      )
    }
  }
  const main64 = rows.find((r) => r.choice === 'l1' && r.batch === 64) ?? rows[0]
  const tile64 = rows.find((r) => r.choice === 'tile' && r.batch === 64)
  process.stdout.write(
    JSON.stringify({
      backend,
      model: 'lenet5',
      rounds,
      rows,
      latencyRatio: main64.ratio,
      latencyRatioBatch: main64.batch,
      // the widths `prune` reaches with roundTo {conv1: 4, conv2: 8}
      latencyRatioAligned: tile64?.ratio ?? null,
    }) + '\n',
  )
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`)
  process.exit(1)
})
