/**
 * The contract (DESIGN §2): one typed map of methods (request → response) and one of events.
 *
 * Electron IPC, the HTTP/WebSocket server and the CLI are thin adapters over the Lab service,
 * which implements these methods. Every input is validated with the zod schema below at the
 * adapter boundary (`LabService.handle`), and every failure is an error envelope.
 */
import { z } from 'zod'
import type {
  DatasetInfo,
  ExperimentSummary,
  MetricPoint,
  MetricSeries,
  ModelArchInfo,
  ResultTable,
  RunDetail,
  RunProgress,
  RunStatus,
  RunSummary,
  SystemInfo,
} from './types'
import { RUN_STATUSES } from './types'
import type { ExpansionIssue } from './spec/expand'

const id = z.number().int().positive()

/** Columns the runs table may be sorted by; nothing else reaches SQL (DESIGN §5). */
export const RUN_SORT_COLUMNS = [
  'id',
  'createdAt',
  'startedAt',
  'finishedAt',
  'status',
  'label',
  'experiment',
  'role',
  'method',
  'seed',
  'test.accuracy',
  'test.loss',
] as const
export type RunSortColumn = (typeof RUN_SORT_COLUMNS)[number]

export const EXPORT_FORMATS = ['csv', 'md', 'latex', 'json'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const runsListInput = z
  .object({
    status: z.array(z.enum(RUN_STATUSES)).max(RUN_STATUSES.length).optional(),
    experimentId: id.optional(),
    role: z.string().max(32).optional(),
    method: z.string().max(32).optional(),
    /** Substring of the run label or experiment name. */
    search: z.string().max(200).optional(),
    sort: z.enum(RUN_SORT_COLUMNS).default('id'),
    direction: z.enum(['asc', 'desc']).default('asc'),
    limit: z.number().int().min(1).max(100_000).default(1000),
    offset: z.number().int().min(0).default(0),
  })
  .strict()

const runSelection = z
  .object({
    runIds: z.array(id).min(1).max(10_000).optional(),
    experimentId: id.optional(),
  })
  .strict()

/** Method name → zod schema of its input. */
export const methodInputs = {
  'experiments.validate': z.object({ spec: z.unknown() }).strict(),
  'experiments.launch': z.object({ spec: z.unknown() }).strict(),
  'experiments.list': z.object({}).strict(),
  'runs.list': runsListInput,
  'runs.get': z.object({ id }).strict(),
  'runs.metrics': z.object({ id, keys: z.array(z.string().max(200)).max(100).optional() }).strict(),
  'runs.cancel': z.object({ id }).strict(),
  'compare.table': runSelection,
  'export.table': runSelection.extend({ format: z.enum(EXPORT_FORMATS).default('csv') }).strict(),
  'datasets.list': z.object({}).strict(),
  'models.list': z.object({}).strict(),
  'system.info': z.object({}).strict(),
  ...appMethodInputs(),
} as const

export type MethodName = keyof typeof methodInputs
export type MethodInput<M extends MethodName> = z.input<(typeof methodInputs)[M]>
export type MethodParsedInput<M extends MethodName> = z.output<(typeof methodInputs)[M]>

export interface ValidateResult {
  valid: boolean
  issues: ExpansionIssue[]
  runCount: number
  runs: { key: string; role: string; label: string }[]
}

export interface LaunchResult {
  experimentId: number
  runIds: number[]
}

/** Method name → response type. */
export interface MethodOutputs {
  'experiments.validate': ValidateResult
  'experiments.launch': LaunchResult
  'experiments.list': ExperimentSummary[]
  'runs.list': { rows: RunSummary[]; total: number }
  'runs.get': RunDetail
  'runs.metrics': MetricSeries[]
  'runs.cancel': { id: number; status: RunStatus }
  'compare.table': ResultTable & { differing: string[] }
  'export.table': { format: ExportFormat; content: string; mime: string; filename: string }
  'datasets.list': DatasetInfo[]
  'models.list': ModelArchInfo[]
  'system.info': SystemInfo
  // The desktop app's views (issue 5): see the types at the end of this file.
  'specs.examples': SpecExample[]
  'specs.schema': Record<string, unknown>
  'runs.delete': { deleted: number[] }
  'runs.rerun': { runIds: number[] }
  'runs.tag': { tags: { id: number; tags: string[] }[] }
  'runs.note': { id: number; note: string | null }
  'runs.layers': LayerPhaseReport[]
  'runs.paramKeys': { keys: { key: string; distinct: number }[] }
  'runs.paramValues': { values: Record<string, Record<number, ParamValue>> }
  'compare.sheet': CompareSheet
  'sweeps.pivot': PivotResult
  'sweeps.pareto': ParetoResult
  'export.render': { format: ExportFormat; content: string; mime: string; filename: string }
  'artifacts.read': { name: string; mime: string; base64: string; bytes: number }
  'artifacts.preview': PreviewImage
  'models.import': { path: string; files: string[] }
}

/** Event name → payload (pushed to every subscribed client). */
export interface EventPayloads {
  'run.created': { experimentId: number; runIds: number[] }
  'run.status': { runId: number; status: RunStatus; error: string | null }
  'run.progress': { runId: number } & RunProgress
  'run.metric': { runId: number; points: MetricPoint[] }
  'run.log': { runId: number; level: 'info' | 'warn' | 'error'; message: string }
  /** Runs removed by `runs.delete`. */
  'run.deleted': { runIds: number[] }
  /** Tags or notes of these runs changed (refetch them). */
  'run.updated': { runIds: number[] }
}
export type EventName = keyof EventPayloads
export const EVENT_NAMES: readonly EventName[] = [
  'run.created',
  'run.status',
  'run.progress',
  'run.metric',
  'run.log',
  'run.deleted',
  'run.updated',
]

export const ERROR_CODES = ['invalid_input', 'not_found', 'conflict', 'unauthorized', 'unavailable', 'internal'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export interface ErrorBody {
  code: ErrorCode
  message: string
  details?: unknown
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody }

/** An error a method raises on purpose; turned into an envelope by the service. */
export class LabError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'LabError'
  }
}

/** What every client (renderer, tests) talks to; the transports implement it. */
export interface LabClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutputs[M]>
  subscribe<E extends EventName>(event: E, handler: (payload: EventPayloads[E]) => void): () => void
}

export const METHOD_NAMES = Object.keys(methodInputs) as MethodName[]

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methodInputs, name)
}

// ---------------------------------------------------------------------------------------------
// The desktop app's views (issue 5): launch form, runs table, compare, sweeps, run page.
// (A function, so these schemas can sit below `methodInputs` and still be spread into it.)

/** Largest file `models.import` accepts, after base64 decoding. */
export const MAX_IMPORT_FILE_BYTES = 64 * 1024 * 1024

function appMethodInputs() {
  /** A flattened parameter or result key such as `method.temperature` or `teacher.model.hidden`. */
  const dottedKey = z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.\-]+$/, 'must be a dotted key like method.temperature')
  const tagText = z.string().trim().min(1).max(64)
  const cell = z.union([z.string().max(100_000), z.number(), z.null()])
  /** A table as the UI shows it, for `export.render` (at most 20,000 rows of 200 columns). */
  const resultTableInput = z
    .object({
      columns: z.array(z.object({ key: z.string().max(200), label: z.string().max(500) }).strict()).min(1).max(200),
      rows: z.array(z.record(z.string().max(200), cell)).max(20_000),
    })
    .strict()
  const ids = z.array(id).min(1).max(10_000)
  const selection = {
    runIds: z.array(id).min(1).max(10_000).optional(),
    experimentId: id.optional(),
    /** Only runs of these roles (`student`, `pruned`, …). */
    roles: z.array(z.string().max(32)).max(8).optional(),
  }
  return {
    'specs.examples': z.object({}).strict(),
    'specs.schema': z.object({}).strict(),
    'runs.delete': z.object({ ids }).strict(),
    'runs.rerun': z.object({ ids: z.array(id).min(1).max(1000) }).strict(),
    'runs.tag': z
      .object({ ids, add: z.array(tagText).max(50).default([]), remove: z.array(tagText).max(50).default([]) })
      .strict(),
    'runs.note': z.object({ id, body: z.string().max(100_000) }).strict(),
    'runs.layers': z.object({ id }).strict(),
    'runs.paramKeys': z.object({}).strict(),
    'runs.paramValues': z.object({ keys: z.array(dottedKey).min(1).max(8) }).strict(),
    'compare.sheet': z.object({ runIds: z.array(id).min(1).max(200) }).strict(),
    'sweeps.pivot': z
      .object({
        ...selection,
        rows: dottedKey,
        columns: dottedKey.optional(),
        metrics: z.array(dottedKey).min(1).max(8),
      })
      .strict(),
    'sweeps.pareto': z.object({ ...selection, x: dottedKey, y: dottedKey }).strict(),
    'export.render': z
      .object({
        table: resultTableInput,
        format: z.enum(EXPORT_FORMATS).default('csv'),
        /** File name stem, e.g. `pivot-method.temperature`. */
        name: z.string().max(100).optional(),
      })
      .strict(),
    'artifacts.read': z.object({ id }).strict(),
    /** A preview image of run `runId` (a detection run's test images with boxes drawn). */
    'artifacts.preview': z.object({ runId: id, id }).strict(),
    'models.import': z
      .object({
        files: z
          .array(
            z
              .object({
                name: z.string().min(1).max(255),
                base64: z.string().max(Math.ceil((64 * 1024 * 1024) / 3) * 4),
              })
              .strict(),
          )
          .min(1)
          .max(32),
      })
      .strict(),
  } as const
}

/** Largest preview image `artifacts.preview` sends (the PNG file, before base64). */
export const MAX_PREVIEW_BYTES = 4 * 1024 * 1024

/** One preview artifact as an image the UI can show in Electron and in a browser alike. */
export interface PreviewImage {
  id: number
  runId: number
  /** File name, e.g. `test-0.png`. */
  name: string
  width: number
  height: number
  bytes: number
  /** `data:image/png;base64,…` (the CSP allows data: images; no file URL or route is needed). */
  dataUrl: string
}

/** A bundled example spec (`resources/examples/*.json`). */
export interface SpecExample {
  /** File name without `.json`. */
  name: string
  file: string
  description: string | null
  /** How many runs it launches, or null when it does not validate. */
  runCount: number | null
  spec: unknown
}

/** A scalar parameter value as tables show it (arrays and objects as JSON text). */
export type ParamValue = string | number | boolean | null

export interface LayerPhaseReport {
  phase: 'before' | 'after'
  layers: { name: string; kind: string; units: number | null; params: number; macs: number }[]
}

/** Which way a metric improves: accuracy up, loss/params/MACs/latency down. */
export type MetricDirection = 'higher' | 'lower' | null

/** Runs side by side: every parameter and result, with the differing ones and the best marked. */
export interface CompareSheet {
  runs: {
    id: number
    label: string
    experimentName: string
    role: string
    method: string
    seed: number
    status: RunStatus
  }[]
  /** Every parameter of any run; `values` in run order. */
  params: { key: string; values: ParamValue[]; differs: boolean }[]
  /** Every final result; `best` holds the ids of the best runs (none when no direction is known). */
  results: { key: string; values: (number | null)[]; better: MetricDirection; best: number[] }[]
  /** Metric series (learning curves) recorded by any of the runs. */
  metricKeys: string[]
}

/** Mean ± sample standard deviation of one metric over the runs of one pivot cell. */
export interface PivotStat {
  mean: number | null
  std: number | null
  n: number
}

export interface PivotResult {
  rows: string
  columns: string | null
  metrics: string[]
  rowValues: ParamValue[]
  /** `[null]` when there is no column parameter. */
  columnValues: ParamValue[]
  /** `cells[row][column][metric]`. */
  cells: PivotStat[][][]
  /** Run ids of each cell: `runIds[row][column]`. */
  runIds: number[][][]
  /** One line per (row, column) with mean, std and n of each metric: what export writes. */
  table: ResultTable
  /** Runs of the selection that have no value for the row (or column) parameter. */
  skipped: number
  /** Parameters other than the seed that vary inside a cell (the means mix them). */
  mixed: string[]
  /** What the selection can be pivoted by, and which metrics it has. */
  available: { params: { key: string; distinct: number }[]; metrics: string[] }
}

export interface ParetoPoint {
  runId: number
  label: string
  role: string
  x: number
  y: number
  /** Not dominated: no other run is at least as good on both axes and better on one. */
  front: boolean
}

export interface ParetoResult {
  x: string
  y: string
  xBetter: 'lower' | 'higher'
  yBetter: 'lower' | 'higher'
  points: ParetoPoint[]
}
