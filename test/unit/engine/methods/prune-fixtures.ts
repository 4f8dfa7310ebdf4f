/**
 * Shared by the pruning-executor tests (not a test file itself): a recording sink, a real parent
 * trained by the `train` executor on a few hundred mnist-10k digits, and jobs for pruning runs.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { RunConfig, RunMethod } from '../../../../src-shared/spec/expand'
import { methodSpecSchema, modelSpecSchema, trainingSpecSchema, type ModelSpec } from '../../../../src-shared/spec/schema'
import type { MetricPoint, RunProgress } from '../../../../src-shared/types'
import { executeRun } from '../../../../src-main/engine/run'
import type { LayerReport, RunJob, RunSink } from '../../../../src-main/worker/protocol'

export interface Recorded {
  progress: RunProgress[]
  metrics: MetricPoint[]
  artifacts: { kind: string; path: string; bytes: number; sha256: string }[]
  results: Record<string, number>[]
  logs: string[]
  layers: { phase: 'before' | 'after'; layers: LayerReport[] }[]
}

/** A sink that records every call. */
export function recordingSink(): { sink: RunSink; got: Recorded } {
  const got: Recorded = { progress: [], metrics: [], artifacts: [], results: [], logs: [], layers: [] }
  const sink: RunSink = {
    backend: () => undefined,
    progress: (p) => got.progress.push(p),
    metrics: (points) => got.metrics.push(...points),
    artifact: (a) => got.artifacts.push(a),
    result: (r) => got.results.push(r),
    log: (level, message) => got.logs.push(`${level}: ${message}`),
    layers: (phase, layers) => got.layers.push({ phase, layers }),
  }
  return { sink, got }
}

/** A small LeNet (filters [4, 8], dense [32, 16]): 8,042 parameters on 28×28 digits. */
export const SMALL_LENET: ModelSpec = modelSpecSchema.parse({ arch: 'lenet5', filters: [4, 8], dense: [32, 16] })

/** conv(6) → BN → pool → flatten → dense(24) → BN → logits: a parent network slimming can prune. */
export const BN_NET: ModelSpec = modelSpecSchema.parse({
  arch: 'custom',
  layers: [
    { type: 'conv2d', filters: 6, kernelSize: 5, padding: 'same' },
    { type: 'batchNorm' },
    { type: 'maxPool2d', poolSize: 4 },
    { type: 'flatten' },
    { type: 'dense', units: 24 },
    { type: 'batchNorm' },
  ],
})

export function runConfig(model: ModelSpec, method: RunMethod, seed = 0): RunConfig {
  return {
    dataset: { name: 'mnist-10k', testFraction: 0.2, splitSeed: 0, trainLimit: 400 },
    model,
    training: trainingSpecSchema.parse({ epochs: 2, batchSize: 32, learningRate: 0.01 }),
    method,
    seed,
  }
}

/** A pruning-family method as a run executes it (defaults applied, parent resolved to run #1). */
export function pruneMethod(spec: Record<string, unknown>): RunMethod {
  const parsed = methodSpecSchema.parse(spec)
  if (!('parent' in parsed)) throw new Error('not a pruning method')
  return { ...parsed, parent: { runId: 1 } } as RunMethod
}

export function pruneJob(root: string, id: number, config: RunConfig, parentModelPath?: string): RunJob {
  return {
    runId: id,
    config,
    artifactDir: join(root, `run-${id}`),
    dataDir: root,
    backend: 'wasm',
    ...(parentModelPath !== undefined ? { parentModelPath } : {}),
  }
}

/** Trains a parent with the `train` executor; returns its model.json path and its results. */
export async function trainParent(
  root: string,
  model: ModelSpec,
  id = 1,
): Promise<{ path: string; results: Record<string, number> }> {
  const { sink, got } = recordingSink()
  await executeRun(pruneJob(root, id, runConfig(model, { kind: 'train' })), sink)
  return { path: join(root, `run-${id}`, 'model', 'model.json'), results: got.results[0] }
}

/** Runs a pruning-family method (spec as written) on `model` from the parent at `parentPath`; returns what it reported. */
export async function runPruning(
  root: string,
  id: number,
  model: ModelSpec,
  spec: Record<string, unknown>,
  parentPath: string | undefined,
): Promise<Recorded> {
  const { sink, got } = recordingSink()
  await executeRun(pruneJob(root, id, runConfig(model, pruneMethod(spec)), parentPath), sink)
  return got
}

/** Files a run left in its artifact folder (nothing, when it failed before saving). */
export function filesOf(root: string, id: number): string[] {
  const dir = join(root, `run-${id}`)
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []
}

/** Results keys every pruning run reports (item 2 of the issue). */
export const PRUNED_RESULT_KEYS = [
  'params',
  'params.nonzero',
  'macs',
  'serialized.bytes',
  'latency.ms',
  'compression',
  'macs.reduction',
  'speedup',
  'speedup.cpu',
  'latency.cpu.ms',
  // Issue 16: the layers model's predict (unfolded) beside the folded inference.
  'latency.layers.cpu.ms',
  'parent.latency.layers.cpu.ms',
  'speedup.layers.cpu',
  'test.accuracy',
  'accuracy.change',
  'parent.test.accuracy',
  'parent.params',
  'parent.params.nonzero',
  'parent.macs',
  'parent.serialized.bytes',
  'parent.latency.ms',
  // Issue 19 item 4: ONNX Runtime's CPU latency beside the backend's.
  'ort.latency.b1.t1.ms',
  'ort.latency.b64.tall.ms',
  'parent.ort.latency.b64.t1.ms',
  'ort.speedup.b64.t1',
] as const
