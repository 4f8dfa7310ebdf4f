/** Records shared by the main process, the adapters and the renderer (no Node or DOM imports). */

export const RUN_STATUSES = ['queued', 'running', 'finished', 'failed', 'cancelled', 'interrupted'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** Statuses after which a run never changes again (except by an explicit re-run). */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['finished', 'failed', 'cancelled', 'interrupted']

export interface ExperimentSummary {
  id: number
  name: string
  description: string | null
  createdAt: string
  runCount: number
  statusCounts: Partial<Record<RunStatus, number>>
}

export interface RunProgress {
  phase: string
  epoch: number
  epochs: number
  step: number
  steps: number
  /** 0..1 over the whole run. */
  fraction: number
  /** Seconds left at the current pace; null until it can be estimated. */
  etaSeconds: number | null
}

export interface RunSummary {
  id: number
  experimentId: number
  experimentName: string
  key: string
  role: string
  label: string
  method: string
  seed: number
  status: RunStatus
  error: string | null
  backend: string | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  progress: RunProgress | null
  /** Final scalars (`test.accuracy`, `test.loss`, `params`, …). */
  results: Record<string, number>
  tags: string[]
  /** A run sent to remote workers (issue 17): the worker that holds (held) it, null while none has. */
  worker?: string | null
  /** A run sent to remote workers: its current attempt (a worker that died handed it on). */
  attempt?: number
}

export interface Artifact {
  id: number
  runId: number
  kind: string
  path: string
  bytes: number
  sha256: string
  createdAt: string
}

export interface RunDetail extends RunSummary {
  params: Record<string, unknown>
  dependsOn: number[]
  teacherRunId: number | null
  parentRunId: number | null
  heartbeatAt: string | null
  /** The WebGPU adapter it trained on (runs on webgpu only). */
  adapter: WebGpuAdapter | null
  notes: string | null
  artifacts: Artifact[]
  logs: { at: string; level: string; message: string }[]
}

export interface MetricPoint {
  key: string
  step: number
  value: number
}

export interface MetricSeries {
  key: string
  points: { step: number; value: number }[]
}

/** One row of a per-layer report (params and MACs before/after pruning): sent by a run, stored, shown. */
export interface LayerReport {
  name: string
  /** Layer class, e.g. `dense`, `conv2d`. */
  kind: string
  /** Units or filters; null for layers without them (flatten, pooling). */
  units: number | null
  params: number
  macs: number
}

/** A table as the lab exports it: named columns and rows of cells. */
export interface ResultTable {
  columns: { key: string; label: string }[]
  rows: Record<string, string | number | null>[]
}

export interface BackendInfo {
  name: string
  /** Every backend the lab knows, whether it is present and why not. */
  candidates: { name: string; available: boolean; detail: string }[]
}

/** A WebGPU adapter as the doctor lists it. */
export interface WebGpuAdapter {
  /** Dawn's backend for it: vulkan, metal, d3d12, d3d11, opengl, opengles (null when unknown). */
  backend: string | null
  vendor: string
  architecture: string
  device: string
  description: string
  /** A CPU implementation (SwiftShader, llvmpipe, WARP…): correct but no faster than wasm. */
  software: boolean
  maxBufferSize: number
}

export interface DoctorReport {
  backend: string
  checks: { name: string; ok: boolean; detail: string; fix?: string }[]
  /** Every WebGPU adapter Dawn sees here (empty where none, or where Dawn is missing). */
  webgpuAdapters?: WebGpuAdapter[]
}

export interface SystemInfo {
  version: string
  node: string
  platform: string
  dbPath: string
  dbBytes: number
  dataDir: string
  concurrency: number
  doctor: DoctorReport
}

export interface DatasetInfo {
  name: string
  description: string
  inputShape: number[]
  numClasses: number
  examples: number | null
}

export interface ModelArchInfo {
  arch: string
  description: string
}
