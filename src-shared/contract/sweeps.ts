/** Contract methods over a sweep's runs: the pivot table (mean ± std) and the Pareto front. */
import { z } from 'zod'
import type { ResultTable } from '../types'
import { dottedKey, id, ids, type ParamValue } from './common'

const selection = {
  runIds: ids.optional(),
  experimentId: id.optional(),
  /** Only runs of these roles (`student`, `pruned`, …). */
  roles: z.array(z.string().max(32)).max(8).optional(),
}

export const sweepInputs = {
  'sweeps.pivot': z
    .object({
      ...selection,
      rows: dottedKey,
      columns: dottedKey.optional(),
      metrics: z.array(dottedKey).min(1).max(8),
    })
    .strict(),
  'sweeps.pareto': z.object({ ...selection, x: dottedKey, y: dottedKey }).strict(),
} as const

/**
 * Mean ± sample standard deviation of one metric over the runs of one pivot cell, and the 95 %
 * interval of the mean (Student's t; for a `gain.<k>` metric, the paired difference's, METHODS.md S1).
 */
export interface PivotStat {
  mean: number | null
  std: number | null
  n: number
  ciLow?: number | null
  ciHigh?: number | null
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
  /** Runs of the selection left out because they did not finish (queued, running, cancelled, failed). */
  unfinished: number
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

export interface SweepOutputs {
  'sweeps.pivot': PivotResult
  'sweeps.pareto': ParetoResult
}
