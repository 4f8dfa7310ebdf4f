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
}

/** Event name → payload (pushed to every subscribed client). */
export interface EventPayloads {
  'run.created': { experimentId: number; runIds: number[] }
  'run.status': { runId: number; status: RunStatus; error: string | null }
  'run.progress': { runId: number } & RunProgress
  'run.metric': { runId: number; points: MetricPoint[] }
  'run.log': { runId: number; level: 'info' | 'warn' | 'error'; message: string }
}
export type EventName = keyof EventPayloads
export const EVENT_NAMES: readonly EventName[] = ['run.created', 'run.status', 'run.progress', 'run.metric', 'run.log']

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
