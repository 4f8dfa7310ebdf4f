/**
 * Latency of pruned models against their parent, as every pruning run reports it: median wall and
 * CPU time of inference on one batch as a deployment runtime runs it (batch norm folded into the
 * convolutions, conv + bias + ReLU fused: `measure/folded-inference.ts`), and beside it the CPU
 * time of the layers model's own `predict` (batch norm and activation as separate passes); the
 * models timed in the same process, interleaved round by round so that a change in machine load
 * affects them alike.
 */
import type * as tf from '@tensorflow/tfjs'
import { foldedInference, type FoldedInference } from '../measure/folded-inference'

/** Timed rounds for the parent/final latency (each round times every model once, interleaved). */
export const LATENCY_ROUNDS = 60

/** Wall and CPU (user + system) milliseconds of one prediction of the whole batch, data awaited. */
async function timeOnce(predict: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const y = predict(x)
  await y.data()
  const wall = performance.now() - t0
  const c = process.cpuUsage(c0)
  y.dispose()
  return { wall, cpu: (c.user + c.system) / 1000 }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Median milliseconds per batch of each model. */
export interface LatencyTimings {
  /** Folded inference, wall clock. */
  wallMs: number[]
  /** Folded inference, CPU time. */
  cpuMs: number[]
  /** The layers model's `predict`, CPU time. */
  layersCpuMs: number[]
}

/** The layers model's own prediction of the batch as one batch (not split into batches of 32). */
const layersPredict = (model: tf.LayersModel) => (x: tf.Tensor): tf.Tensor => model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor

/**
 * Median latency of several models on the same batch, timed in one process and interleaved round
 * by round (alternating the order) so that a change in machine load affects them alike; after
 * warm-up. Each round times each model's folded inference, then its layers `predict`. CPU time is
 * reported beside wall time: on a shared machine it is the steadier of the two.
 */
export async function interleavedTimings(
  models: readonly tf.LayersModel[],
  x: tf.Tensor,
  rounds = LATENCY_ROUNDS,
  warmup = 3,
): Promise<LatencyTimings> {
  const folded: FoldedInference[] = []
  try {
    for (const m of models) folded.push(await foldedInference(m))
    const ways = models.map((m, i) => [folded[i].predict, layersPredict(m)])
    for (let i = 0; i < warmup; i++) for (const w of ways.flat()) await timeOnce(w, x)
    const wall = models.map(() => [] as number[])
    const cpu = models.map(() => [] as number[])
    const layersCpu = models.map(() => [] as number[])
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? models.map((_, i) => i) : models.map((_, i) => models.length - 1 - i)
      for (const i of order) {
        const t = await timeOnce(ways[i][0], x)
        wall[i].push(t.wall)
        cpu[i].push(t.cpu)
        layersCpu[i].push((await timeOnce(ways[i][1], x)).cpu)
      }
    }
    return { wallMs: wall.map(median), cpuMs: cpu.map(median), layersCpuMs: layersCpu.map(median) }
  } finally {
    folded.forEach((f) => f.dispose())
  }
}
