/**
 * What the engine needs to execute one run (`RunJob`) and where it reports what happens
 * (`RunSink`). The engine owns these: the worker process fills a job from the scheduler's message
 * and forwards the sink's calls as messages (`worker/protocol.ts`), so the engine never imports
 * the worker (DESIGN §1).
 */
import type { PruneGroupReport } from '../../src-shared/contract/groups'
import type { RunConfig } from '../../src-shared/spec/expand'
import type { LayerReport, MetricPoint, RunProgress, WebGpuAdapter } from '../../src-shared/types'

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

/** Where the engine sends what happens during a run; the worker forwards it to the scheduler. */
export interface RunSink {
  /** The active backend and, on webgpu, the adapter it runs on. */
  backend(name: string, adapter?: WebGpuAdapter | null): void
  progress(p: RunProgress): void
  metrics(points: MetricPoint[]): void
  artifact(a: { kind: string; path: string; bytes: number; sha256: string }): void
  result(results: Record<string, number>): void
  log(level: 'info' | 'warn' | 'error', message: string): void
  /**
   * Called inside long synchronous stretches (each shader compiled on webgpu), where no timer
   * runs: the worker sends a heartbeat from here when one is due.
   */
  alive?(): void
  /** Per-layer report of the model before and after pruning (stored in the `layers` table). */
  layers?(phase: 'before' | 'after', layers: LayerReport[]): void
  /** The dependency groups of a pruning run, channels before → after (stored in `prune_groups`). */
  groups?(groups: PruneGroupReport[]): void
}
