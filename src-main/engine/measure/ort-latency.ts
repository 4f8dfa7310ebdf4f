/**
 * Latency where the model will run: ONNX Runtime's CPU execution provider, with one intra-op
 * thread and with all cores, at batch 1 and 64. The models (parent and child) are timed in the
 * same process, round by round in alternating order so that a change in machine load affects
 * them alike; each figure is the median of the rounds after warm-up.
 */
import { availableParallelism } from 'node:os'
import type * as tf from '@tensorflow/tfjs'
import type * as ort from 'onnxruntime-node'
import { exportOnnx } from '../export/onnx/export-onnx'
import { ortPredict, ortSession } from './ort-session'

/** The configurations every run is timed at. */
export const ORT_LATENCY_CONFIGS = [
  { batch: 1, threads: 1, key: 'b1.t1' },
  { batch: 64, threads: 1, key: 'b64.t1' },
  { batch: 1, threads: 0, key: 'b1.tall' },
  { batch: 64, threads: 0, key: 'b64.tall' },
] as const

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function timeOnce(session: ort.InferenceSession, x: Float32Array, shape: readonly number[], batch: number): Promise<number> {
  const t0 = performance.now()
  await ortPredict(session, x, shape, 0, batch)
  return performance.now() - t0
}

/**
 * Median milliseconds per batch of each model (exported ONNX bytes) in each configuration, as
 * `ort.latency.<config>.ms` results; `x` holds at least 64 examples of `shape` (repeated when fewer).
 */
export async function ortLatencies(models: readonly Uint8Array[], x: Float32Array, shape: readonly number[], rounds = 20, warmup = 3): Promise<Record<string, number>[]> {
  const f = shape.reduce((a, d) => a * d, 1)
  const have = x.length / f
  const batch64 = new Float32Array(64 * f)
  for (let i = 0; i < 64; i++) batch64.set(x.subarray((i % have) * f, ((i % have) + 1) * f), i * f)
  const out = models.map(() => ({}) as Record<string, number>)
  for (const c of ORT_LATENCY_CONFIGS) {
    const sessions = await Promise.all(models.map((m) => ortSession(m, c.threads)))
    try {
      for (let w = 0; w < warmup; w++) for (const s of sessions) await timeOnce(s, batch64, shape, c.batch)
      const times = sessions.map(() => [] as number[])
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? sessions.map((_, i) => i) : sessions.map((_, i) => sessions.length - 1 - i)
        for (const i of order) times[i].push(await timeOnce(sessions[i], batch64, shape, c.batch))
      }
      times.forEach((t, i) => (out[i][`ort.latency.${c.key}.ms`] = median(t)))
    } finally {
      await Promise.all(sessions.map((s) => s.release()))
    }
  }
  return out
}

/** The ORT results of a child against its parent: both latencies, the speed-ups, the core count. */
export function ortLatencyResults(parent: Record<string, number>, child: Record<string, number>): Record<string, number> {
  const results: Record<string, number> = { ...child, 'ort.threads.all': availableParallelism() }
  for (const c of ORT_LATENCY_CONFIGS) {
    const key = `ort.latency.${c.key}.ms`
    results[`parent.${key}`] = parent[key]
    results[`ort.speedup.${c.key}`] = parent[key] / child[key]
  }
  return results
}

/**
 * A pruned model's ONNX Runtime latency against its parent's, both exported to float ONNX and timed
 * in this process; a model ONNX export refuses (a layer kind it does not know) is said, not fatal.
 */
export async function ortAgainstParent(parent: tf.LayersModel, child: tf.LayersModel, x: Float32Array, shape: readonly number[]): Promise<{ results: Record<string, number> } | { skipped: string }> {
  let models: Uint8Array[]
  try {
    models = [(await exportOnnx(parent)).bytes, (await exportOnnx(child)).bytes]
  } catch (e) {
    return { skipped: `no ONNX Runtime latency: ${(e as Error).message}` }
  }
  const [p, c] = await ortLatencies(models, x, shape)
  return { results: ortLatencyResults(p, c) }
}
