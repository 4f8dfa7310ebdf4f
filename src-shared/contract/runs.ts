/** Contract methods of runs: listing, detail, metrics, cancelling, deleting, tags and notes. */
import { z } from 'zod'
import { RUN_STATUSES } from '../types'
import type { MetricSeries, RunDetail, RunStatus, RunSummary } from '../types'
import { dottedKey, id, ids, type ParamValue } from './common'

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

export const runsListInput = z
  .object({
    status: z.array(z.enum(RUN_STATUSES)).max(RUN_STATUSES.length).optional(),
    experimentId: id.optional(),
    role: z.string().max(32).optional(),
    method: z.string().max(32).optional(),
    /** Substring of the run label or experiment name. */
    search: z.string().max(200).optional(),
    /** A structured filter (`src-shared/filter-query.ts`): `test.accuracy > 0.97 and method.criterion in taylor,l1`. */
    where: z.string().max(2000).optional(),
    /** Only the ids of the matching runs (`ids`; `rows` is empty): what a filter over loaded rows needs. */
    idsOnly: z.boolean().optional(),
    sort: z.enum(RUN_SORT_COLUMNS).default('id'),
    direction: z.enum(['asc', 'desc']).default('asc'),
    limit: z.number().int().min(1).max(100_000).default(1000),
    offset: z.number().int().min(0).default(0),
  })
  .strict()

const tagText = z.string().trim().min(1).max(64)

export const runInputs = {
  'runs.list': runsListInput,
  'runs.get': z.object({ id }).strict(),
  'runs.metrics': z.object({ id, keys: z.array(z.string().max(200)).max(100).optional() }).strict(),
  'runs.cancel': z.object({ id }).strict(),
  'runs.delete': z.object({ ids }).strict(),
  'runs.rerun': z.object({ ids: z.array(id).min(1).max(1000) }).strict(),
  'runs.tag': z
    .object({ ids, add: z.array(tagText).max(50).default([]), remove: z.array(tagText).max(50).default([]) })
    .strict(),
  'runs.note': z.object({ id, body: z.string().max(100_000) }).strict(),
  'runs.layers': z.object({ id }).strict(),
  'runs.paramKeys': z.object({}).strict(),
  'runs.paramValues': z.object({ keys: z.array(dottedKey).min(1).max(8) }).strict(),
} as const

export interface LayerPhaseReport {
  phase: 'before' | 'after'
  layers: { name: string; kind: string; units: number | null; params: number; macs: number }[]
}

export interface RunOutputs {
  'runs.list': { rows: RunSummary[]; total: number; ids?: number[] }
  'runs.get': RunDetail
  'runs.metrics': MetricSeries[]
  'runs.cancel': { id: number; status: RunStatus }
  'runs.delete': { deleted: number[] }
  'runs.rerun': { runIds: number[] }
  'runs.tag': { tags: { id: number; tags: string[] }[] }
  'runs.note': { id: number; note: string | null }
  'runs.layers': LayerPhaseReport[]
  'runs.paramKeys': { keys: { key: string; distinct: number }[] }
  'runs.paramValues': { values: Record<string, Record<number, ParamValue>> }
}
