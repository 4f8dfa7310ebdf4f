/**
 * Messages between the scheduler and a run worker (one run per worker process, DESIGN §1).
 * The worker never touches SQLite: it streams these events and the scheduler writes them.
 */
import type { RunConfig } from '../../src-shared/spec/expand'
import type { MetricPoint, RunProgress } from '../../src-shared/types'

/** Everything a worker needs to execute one run. */
export interface RunJob {
  runId: number
  config: RunConfig
  /** Folder where the run writes its artifacts (created by the scheduler). */
  artifactDir: string
  /** Folder the run may read user files from (IDX, CSV, …); relative paths resolve against it. */
  dataDir: string
  /** model.json of each teacher (several for an ensemble), for distillation runs. */
  teacherModelPaths?: string[]
  /** model.json of the unpruned parent, for pruning methods. */
  parentModelPath?: string
  /** Backend override (`wasm`, `cpu`, `tensorflow`); default: the best available. */
  backend?: string
}

/** Scheduler → worker. */
export type ParentMessage = { type: 'start'; job: RunJob }

/** Worker → scheduler. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'heartbeat' }
  | { type: 'backend'; name: string }
  | ({ type: 'progress' } & RunProgress)
  | { type: 'metric'; points: MetricPoint[] }
  | { type: 'artifact'; kind: string; path: string; bytes: number; sha256: string }
  | { type: 'result'; results: Record<string, number> }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'layers'; phase: 'before' | 'after'; layers: LayerReport[] }
  | { type: 'done' }
  | { type: 'error'; message: string }

/** One row of a per-layer report (params and MACs before/after pruning). */
export interface LayerReport {
  name: string
  /** Layer class, e.g. `dense`, `conv2d`. */
  kind: string
  /** Units or filters; null for layers without them (flatten, pooling). */
  units: number | null
  params: number
  macs: number
}

/** Where the engine sends what happens during a run; the worker forwards it to the scheduler. */
export interface RunSink {
  backend(name: string): void
  progress(p: RunProgress): void
  metrics(points: MetricPoint[]): void
  artifact(a: { kind: string; path: string; bytes: number; sha256: string }): void
  result(results: Record<string, number>): void
  log(level: 'info' | 'warn' | 'error', message: string): void
  /** Per-layer report of the model before and after pruning (stored in the `layers` table). */
  layers?(phase: 'before' | 'after', layers: LayerReport[]): void
}
