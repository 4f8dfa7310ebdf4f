/** Contract methods that put runs side by side: the results table and the compare sheet. */
import { z } from 'zod'
import type { ResultTable, RunStatus } from '../types'
import { id, runSelection, type ParamValue } from './common'

export const compareInputs = {
  'compare.table': runSelection,
  'compare.sheet': z.object({ runIds: z.array(id).min(1).max(200) }).strict(),
} as const

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

export interface CompareOutputs {
  'compare.table': ResultTable & { differing: string[] }
  'compare.sheet': CompareSheet
}
