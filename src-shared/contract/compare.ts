/** Contract methods that put runs side by side: the results table, the compare sheet and the matrices. */
import { z } from 'zod'
import type { MetricDirection } from '../metrics'
import type { ResultTable, RunStatus } from '../types'
import { dottedKey, id, runSelection, type ParamValue } from './common'

export type { MetricDirection } from '../metrics'

/**
 * `teacher-student`: teachers × students of a distillation grid, each cell the student's result
 * (mean ± std over seeds) and its paired gain over the student alone; `seeds`: every configuration
 * over its seeds (mean ± std of the result, the test errors and `columns`).
 */
export const MATRIX_KINDS = ['teacher-student', 'seeds'] as const
export type MatrixKind = (typeof MATRIX_KINDS)[number]

export const compareInputs = {
  'compare.table': runSelection,
  'compare.sheet': z.object({ runIds: z.array(id).min(1).max(200) }).strict(),
  'compare.matrix': runSelection
    .extend({
      kind: z.enum(MATRIX_KINDS),
      /** The compared result (default `test.accuracy`, or `test.mAP` when only detection runs have one). */
      metric: dottedKey.optional(),
      /** More results shown as mean ± std (`seeds` only), e.g. `params`, `compression`. */
      columns: z.array(dottedKey).max(16).optional(),
      /** `text`: one readable cell (`93.00 ± 1.41 (+2.00)`); `numbers`: mean, std and gain columns. */
      cells: z.enum(['text', 'numbers']).default('text'),
    })
    .strict(),
} as const

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

/** A matrix, or why the selected runs make none (no finished distillation runs, two configurations in one cell). */
export type MatrixResult = { table: ResultTable; reason: null } | { table: null; reason: string }

export interface CompareOutputs {
  'compare.table': ResultTable & { differing: string[] }
  'compare.sheet': CompareSheet
  'compare.matrix': MatrixResult
}
