/**
 * Latency of pruned models against their parent, as every pruning run reports it: median wall and
 * CPU time of `predict` on one batch, the models timed in the same process, interleaved round by
 * round so that a change in machine load affects them alike.
 */
import type * as tf from '@tensorflow/tfjs'

/** Timed rounds for the parent/final latency (each round times every model once, interleaved). */
export const LATENCY_ROUNDS = 60

/** Wall and CPU (user + system) milliseconds of one `predict` of the whole batch, data awaited. */
async function timeOnce(model: tf.LayersModel, x: tf.Tensor): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  // The batch as one batch (predict would otherwise split it into batches of 32 and concatenate).
  const y = model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor
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

/** Median wall-clock and CPU milliseconds per batch of each model. */
export interface LatencyTimings {
  wallMs: number[]
  cpuMs: number[]
}

/**
 * Median `predict` latency of several models on the same batch, timed in one process and
 * interleaved round by round (alternating the order) so that a change in machine load affects them
 * alike; after warm-up. CPU time is reported beside wall time: on a shared machine it is the
 * steadier of the two.
 */
export async function interleavedTimings(
  models: readonly tf.LayersModel[],
  x: tf.Tensor,
  rounds = LATENCY_ROUNDS,
  warmup = 3,
): Promise<LatencyTimings> {
  for (let i = 0; i < warmup; i++) for (const m of models) await timeOnce(m, x)
  const wall = models.map(() => [] as number[])
  const cpu = models.map(() => [] as number[])
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? models.map((_, i) => i) : models.map((_, i) => models.length - 1 - i)
    for (const i of order) {
      const t = await timeOnce(models[i], x)
      wall[i].push(t.wall)
      cpu[i].push(t.cpu)
    }
  }
  return { wallMs: wall.map(median), cpuMs: cpu.map(median) }
}
